//! How a route is declared: method, path, permission and summary, then what
//! the OpenAPI description needs to know about it — its operation id, the
//! query type its handler deserializes, the bodies it takes and answers.
//!
//! ```ignore
//! route(Method::GET, "/api/properties/{property}/units", P::UnitsRead, "List a property's units")
//!     .id("listPropertyUnits")
//!     .query::<Paging>()
//!     .returns::<Page<Unit>>()
//! ```

use axum::http::Method;
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::identity::Permission;

/// A schema for the OpenAPI description.
pub(crate) type SchemaFn = fn(&mut SchemaGenerator) -> schemars::Schema;

/// A Media Type Object of the description (`{"schema": …, "example": …}`).
pub(crate) type MediaFn = fn(&mut SchemaGenerator) -> Value;

/// Which room of the web front a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    /// The platform API and the app gateway: operations of the OpenAPI
    /// description, each with an operation id.
    Api,
    /// Pages for people in a browser: HTML, the forms they post and their
    /// assets. Listed in the description apart from its operations.
    Page,
}

/// The query string a route's handler deserializes, declared next to the
/// route so its documented parameters come from the very same type.
#[derive(Clone, Copy)]
pub struct QueryType {
    /// The type's object schema; its properties are the parameters.
    pub(crate) schema: SchemaFn,
    /// `std::any::type_name` of the type: the gate hands it to the
    /// handler's `Query` extractor, which refuses to parse another type.
    pub type_name: &'static str,
    /// Parses a query string as the handler would.
    pub parse: fn(&str) -> Result<(), String>,
}

/// One route of the platform, as declared.
#[derive(Clone)]
pub struct Endpoint {
    /// `None`: any method (app dispatch).
    pub method: Option<Method>,
    /// In axum syntax: `/api/properties/{property}`.
    pub path: &'static str,
    pub permission: Permission,
    pub summary: &'static str,
    /// The operation id (lowerCamelCase). For an any-method route, the noun
    /// each method's id is made of: `appHome` gives `getAppHome`, `postAppHome`, ….
    pub id: Option<&'static str>,
    pub room: Room,
    /// The tag grouping the operation, after the module that declares it.
    pub tag: &'static str,
    pub query: Option<QueryType>,
    /// Request bodies by media type.
    pub(crate) request: Vec<(&'static str, MediaFn)>,
    /// Successful answers by media type.
    pub(crate) response: Vec<(&'static str, MediaFn)>,
    /// The status of a successful answer.
    pub success: u16,
    /// A path parameter naming the person whose data a read returns; such
    /// reads are audited like writes.
    pub person: Option<&'static str>,
    /// A public route that also takes a signed-in caller (and acts for them).
    pub sign_in_optional: bool,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.method_name(), self.path, self.permission.name())
    }
}

fn json_media<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    json!({ "schema": generator.subschema_for::<T>() })
}

fn query_schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> schemars::Schema {
    T::json_schema(generator)
}

fn parse_query<T: DeserializeOwned>(query: &str) -> Result<(), String> {
    serde_urlencoded::from_str::<T>(query).map(|_| ()).map_err(|err| err.to_string())
}

/// Declares one endpoint: `route(GET, "/api/me", Permission::Authenticated, "…")`.
pub(crate) fn route(method: Method, path: &'static str, permission: Permission, summary: &'static str) -> Endpoint {
    let success = if method == Method::POST {
        201
    } else if method == Method::DELETE {
        204
    } else {
        200
    };
    Endpoint {
        method: Some(method),
        path,
        permission,
        summary,
        id: None,
        room: Room::Api,
        tag: "",
        query: None,
        request: Vec::new(),
        response: Vec::new(),
        success,
        person: None,
        sign_in_optional: false,
    }
}

impl Endpoint {
    pub fn method_name(&self) -> &str {
        self.method.as_ref().map_or("ANY", Method::as_str)
    }

    /// The operation id: what a generated client calls this operation.
    /// Never change one that was published.
    pub(crate) fn id(mut self, id: &'static str) -> Endpoint {
        self.id = Some(id);
        self
    }

    /// The handler reads its query string as `T` (with `Query<T>`).
    pub(crate) fn query<T: JsonSchema + DeserializeOwned>(mut self) -> Endpoint {
        self.query = Some(QueryType {
            schema: query_schema::<T>,
            type_name: std::any::type_name::<T>(),
            parse: parse_query::<T>,
        });
        self
    }

    /// The request body is `T` as JSON.
    pub(crate) fn takes<T: JsonSchema>(mut self) -> Endpoint {
        self.request.push(("application/json", json_media::<T>));
        self
    }

    /// The request body may also come as `media`, described by `describe`.
    pub(crate) fn takes_media(mut self, media: &'static str, describe: MediaFn) -> Endpoint {
        self.request.push((media, describe));
        self
    }

    /// A successful answer is `T` as JSON.
    pub(crate) fn returns<T: JsonSchema>(mut self) -> Endpoint {
        self.response.push(("application/json", json_media::<T>));
        self
    }

    /// A successful answer may also come as `media` (chosen by the request).
    pub(crate) fn returns_media(mut self, media: &'static str, describe: MediaFn) -> Endpoint {
        self.response.push((media, describe));
        self
    }

    pub(crate) fn status(mut self, status: u16) -> Endpoint {
        self.success = status;
        self
    }

    /// Marks a read of one person's data, named by the path parameter `param`.
    pub(crate) fn about_person(mut self, param: &'static str) -> Endpoint {
        self.person = Some(param);
        self
    }

    pub(crate) fn any_method(mut self) -> Endpoint {
        self.method = None;
        self
    }

    /// A route for browsers (a page, a form's target, an asset), not an
    /// operation of the API.
    pub(crate) fn page(mut self) -> Endpoint {
        self.room = Room::Page;
        self
    }

    /// A public route that acts for the caller when they are signed in.
    pub(crate) fn sign_in_optional(mut self) -> Endpoint {
        self.sign_in_optional = true;
        self
    }

    /// The methods this route answers as operations, each with its id.
    pub fn operations(&self) -> Vec<(String, Option<String>)> {
        match &self.method {
            Some(method) => vec![(method.as_str().to_lowercase(), self.id.map(str::to_owned))],
            None => ANY_METHODS
                .iter()
                .map(|method| (method.to_string(), self.id.map(|noun| format!("{method}{}", capitalized(noun)))))
                .collect(),
        }
    }
}

/// The methods an any-method route is described with.
const ANY_METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
