//! The OpenAPI 3.0 description of the platform API, generated from the
//! route table: each operation with its id, the permission it needs
//! (`x-courtyard-permission`), its path and query parameters, request and
//! response bodies with their media types, the errors it may answer and
//! how to sign in for it. Schemas come from the Rust types the handlers
//! read and write, so the description cannot drift from the code.
//!
//! Pages for people (HTML, the forms they post, their assets) are not
//! operations: a client generated from this document should get no method
//! for a sign-in form or a stylesheet. They are listed apart, with their
//! permissions, under `x-courtyard-pages`, so the document still accounts
//! for every route the server answers.

use std::sync::OnceLock;

use axum::Json;
use axum::http::Method;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use super::{Endpoint, QueryType, Room, Routes, route};
use crate::identity::Permission;

static DOCUMENT: OnceLock<Value> = OnceLock::new();

/// The tags operations are grouped by, with what each holds.
pub const TAGS: &[(&str, &str)] = &[
    ("accounts", "Signing in and out, tokens, email confirmation, password reset, your own account"),
    ("onboarding", "Activation codes, sign-up, invitations and access requests"),
    ("tenancy", "Customers and their properties"),
    ("units", "Units of a property and the occupancies that put residents in them"),
    ("people", "Residents and staff, and the roles staff hold"),
    ("operators", "The platform's operators"),
    ("import", "Master data from a property-management system"),
    ("apps", "The app catalog and customers' approvals"),
    ("privacy", "Consent to third-party apps, restriction of processing, notifications"),
    ("audit", "The audit log and a person's access log"),
    ("gateway", "Requests to a micro-app, answered by its component"),
    ("platform", "Health and this description"),
];

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(Method::GET, "/api/openapi.json", Permission::Public, "This description of the platform API")
            .id("getOpenApiDocument")
            .returns_media(
                "application/json",
                |_| json!({ "schema": { "type": "object", "description": "An OpenAPI 3.0 document" } }),
            ),
        serve,
    );
}

async fn serve() -> Json<Value> {
    Json(DOCUMENT.get().cloned().unwrap_or(Value::Null))
}

/// Remembers the description of `endpoints` for `/api/openapi.json`.
pub(crate) fn publish(endpoints: &[Endpoint]) {
    DOCUMENT.get_or_init(|| document(endpoints));
}

const CONVENTIONS: &str = "\
Conventions of every operation:\n\n\
- **Lists** answer `{\"items\": [...], \"next\": \"<cursor>\" | null}` and take `?after=<cursor>&limit=<1-200>`; \
pass a page's `next` as `after` for the one after it. `next` is null on the last page, a full one too. \
A `limit` outside what a list allows (1-200; the audit log 1-1000) is refused with 400 `invalid_query`.\n\
- **Times** are RFC 3339 strings in UTC with milliseconds (`2026-12-07T11:48:28.123Z`), in answers and \
in inputs (inputs may carry any offset). Dates are `YYYY-MM-DD`. Durations name their unit (`expires_in`: seconds).\n\
- **Errors** answer `{\"error\": {\"code\": \"...\", \"message\": \"...\"}}`; `code` is stable, `message` says why \
(in English, for developers).\n\
- **Ids** are opaque strings. Objects outside the caller's reach answer 404, exactly like ids that do not exist.\n\
- **Permissions:** every operation names the one it needs in `x-courtyard-permission`.";

/// The OpenAPI document for `endpoints`.
pub fn document(endpoints: &[Endpoint]) -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let mut paths = Map::new();
    let mut pages = Vec::new();
    for endpoint in endpoints {
        if endpoint.room == Room::Page {
            pages.push(json!({
                "method": endpoint.method_name(),
                "path": endpoint.path,
                "summary": endpoint.summary,
                "x-courtyard-permission": endpoint.permission.name(),
            }));
            continue;
        }
        let mut parameters = path_parameters(endpoint.path);
        if let Some(query) = &endpoint.query {
            parameters.extend(query_parameters(query, &mut generator));
        }
        let item = paths.entry(endpoint.path.replace("{*", "{")).or_insert_with(|| json!({}));
        for (method, id) in endpoint.operations() {
            let mut operation = operation(endpoint, &method, &mut generator);
            if let Some(id) = id {
                operation["operationId"] = Value::String(id);
            }
            operation["parameters"] = Value::Array(parameters.clone());
            item[method] = operation;
        }
    }
    let mut schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    schemas.insert("Error".into(), error_schema());
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Courtyard platform API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": CONVENTIONS,
        },
        "tags": TAGS.iter().map(|(name, description)| json!({ "name": name, "description": description })).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                            "description": "The `access_token` of `POST /api/auth/login`" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::identity::SECURE_SESSION_COOKIE,
                             "description": "A browser session (`\"session\": \"browser\"` at sign-in); writes must come from the platform's origin" }
            },
            "responses": error_responses(),
        },
        "x-courtyard-pages": pages,
    })
}

/// One method of `endpoint` as an Operation Object (without its id and
/// parameters, which the caller adds).
fn operation(endpoint: &Endpoint, method: &str, generator: &mut SchemaGenerator) -> Value {
    let app_dispatch = endpoint.method.is_none();
    let mut responses = Map::new();
    if app_dispatch {
        responses.insert(
            "2XX".into(),
            json!({
                "description": "The app's answer: the status, content type and body the app chooses",
                "content": { "*/*": { "schema": { "type": "string", "format": "binary" } } }
            }),
        );
    } else {
        let mut success = json!({ "description": success_description(endpoint.success) });
        if !endpoint.response.is_empty() {
            success["content"] = media(&endpoint.response, generator);
        }
        responses.insert(endpoint.success.to_string(), success);
    }
    let error = |name: &str| json!({ "$ref": format!("#/components/responses/{name}") });
    if endpoint.query.is_some() || app_dispatch {
        responses.insert("400".into(), error("BadRequest"));
    }
    if endpoint.permission != Permission::Public || endpoint.sign_in_optional {
        responses.insert("401".into(), error("Unauthorized"));
    }
    if endpoint.permission != Permission::Public {
        responses.insert("403".into(), error("Forbidden"));
    }
    if endpoint.path.contains('{') {
        responses.insert("404".into(), error("NotFound"));
    }
    if !endpoint.request.is_empty() {
        responses.insert("413".into(), error("PayloadTooLarge"));
        responses.insert("415".into(), error("UnsupportedMediaType"));
        responses.insert("422".into(), error("Invalid"));
    }
    responses.insert("default".into(), error("Error"));
    let mut operation = json!({
        "tags": [if app_dispatch { "gateway" } else { endpoint.tag }],
        "summary": endpoint.summary,
        "x-courtyard-permission": endpoint.permission.name(),
        "responses": responses,
    });
    if app_dispatch {
        operation["description"] = json!(format!(
            "The `{}` request, its path below the app and its body go to the app's component, which answers \
             with the status, content type and body it chooses. A third-party app answers 403 \
             `consent_required` until the caller consented to what it asks.",
            method.to_uppercase()
        ));
    }
    operation["security"] = match (endpoint.permission, endpoint.sign_in_optional) {
        (Permission::Public, false) => json!([]),
        (Permission::Public, true) => json!([{}, { "bearer": [] }, { "session": [] }]),
        _ => json!([{ "bearer": [] }, { "session": [] }]),
    };
    if app_dispatch && ["post", "put", "patch"].contains(&method) {
        operation["requestBody"] = json!({
            "required": false,
            "content": { "*/*": { "schema": { "type": "string", "format": "binary" } } }
        });
    } else if !endpoint.request.is_empty() {
        operation["requestBody"] = json!({ "required": true, "content": media(&endpoint.request, generator) });
    }
    operation
}

fn success_description(status: u16) -> &'static str {
    match status {
        201 => "Created",
        202 => "Accepted: it happens, and mail tells the outcome",
        204 => "Done; no content",
        _ => "Success",
    }
}

/// The Media Type Objects of `media`, by media type.
fn media(media: &[(&'static str, super::endpoint::MediaFn)], generator: &mut SchemaGenerator) -> Value {
    let mut content = Map::new();
    for (media_type, describe) in media {
        let mut object = describe(generator);
        if let Some(schema) = object.get_mut("schema") {
            transformed(schema, generator);
        }
        content.insert((*media_type).to_owned(), object);
    }
    Value::Object(content)
}

/// Applies the generator's OpenAPI 3.0 transforms to a schema used in
/// place (schemars applies them to its definitions only).
fn transformed(schema: &mut Value, generator: &mut SchemaGenerator) {
    if let Ok(mut typed) = schemars::Schema::try_from(schema.clone()) {
        for transform in generator.transforms_mut() {
            transform.transform(&mut typed);
        }
        *schema = typed.to_value();
    }
}

/// What a path parameter names.
fn path_parameter_description(name: &str) -> String {
    match name {
        "app" => "The app's id, e.g. `pinboard`".to_owned(),
        "path" => "The path below the app, as the app routes it".to_owned(),
        "request" => "The access request's id".to_owned(),
        "assignment" => "The role assignment's id".to_owned(),
        other => format!("The {other}'s id"),
    }
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let name = name.trim_start_matches('*');
            json!({
                "name": name,
                "in": "path",
                "required": true,
                "description": path_parameter_description(name),
                "schema": { "type": "string" }
            })
        })
        .collect()
}

/// The query parameters of a route: the properties of its query type.
pub(super) fn query_parameters(query: &QueryType, generator: &mut SchemaGenerator) -> Vec<Value> {
    let mut schema = (query.schema)(generator).to_value();
    transformed(&mut schema, generator);
    let required: Vec<&str> =
        schema["required"].as_array().map(|names| names.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else { return Vec::new() };
    properties
        .iter()
        .map(|(name, property)| {
            let mut property = property.clone();
            let description = property.as_object_mut().and_then(|p| p.remove("description"));
            let mut parameter = json!({
                "name": name,
                "in": "query",
                "required": required.contains(&name.as_str()),
                "schema": never_null(property),
            });
            if let Some(description) = description {
                parameter["description"] = description;
            }
            parameter
        })
        .collect()
}

/// A parameter's schema without `null`: a parameter is absent or has a
/// value. `Option<T>` fields come as `anyOf [T, null]` or `nullable`;
/// a field's own description leaves a lone `allOf [T]` behind.
fn never_null(mut schema: Value) -> Value {
    let Some(object) = schema.as_object_mut() else { return schema };
    object.remove("nullable");
    if object.get("default").is_some_and(Value::is_null) {
        object.remove("default");
    }
    let is_null = |variant: &Value| variant["enum"] == json!([null]) || variant["type"] == "null";
    if let Some(variants) = object.get("anyOf").and_then(Value::as_array)
        && variants.len() == 2
        && let Some(other) = variants.iter().find(|variant| !is_null(variant))
        && variants.iter().any(is_null)
    {
        let other = other.clone();
        object.remove("anyOf");
        object.insert("allOf".into(), json!([other]));
    }
    if object.len() == 1
        && let Some(only) = object.get("allOf").and_then(Value::as_array).filter(|all| all.len() == 1)
    {
        return never_null(only[0].clone());
    }
    schema
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "Every error the platform answers. Some carry more beside `error`, e.g. `consent` with 403 `consent_required`.",
        "required": ["error"],
        "additionalProperties": true,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string", "description": "Stable and machine-readable, e.g. `not_found`", "example": "not_found" },
                    "message": { "type": "string", "description": "For people; may change" }
                }
            }
        }
    })
}

fn error_responses() -> Value {
    let mut responses = Map::new();
    for (name, description) in [
        ("BadRequest", "The query string or path could not be read (`invalid_query`, `bad_request`)"),
        ("Unauthorized", "No valid credentials (`unauthorized`); sign in"),
        ("Forbidden", "The caller lacks the permission (`forbidden`), or a cross-site write was refused"),
        ("NotFound", "No such object, or one outside the caller's reach (`not_found`)"),
        ("PayloadTooLarge", "The body is too large (`payload_too_large`)"),
        ("UnsupportedMediaType", "The body's content type is not one the operation takes (`unsupported_media_type`)"),
        ("Invalid", "The body is well-formed but not acceptable (`invalid`); the message says which field"),
        ("Error", "Any other error, e.g. 409 `conflict`, 429 with `Retry-After`, 503 `unavailable`"),
    ] {
        responses.insert(
            name.to_owned(),
            json!({
                "description": description,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
            }),
        );
    }
    Value::Object(responses)
}

#[cfg(test)]
mod tests;
