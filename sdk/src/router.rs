//! A small router: method plus a path pattern with `{name}` segments.

use crate::{Error, Method, Request, Response};

/// A route handler. Return an [`Error`] with `?` and the router answers with
/// its JSON form.
pub type Handler = fn(&Request, &Params) -> Result<Response, Error>;

/// The values of a route's `{name}` segments.
#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// The value of segment `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// The value of segment `name`; a route that declares it always has it.
    pub fn require(&self, name: &str) -> Result<&str, Error> {
        self.get(name).ok_or_else(|| Error::Invalid(format!("missing path segment `{name}`")))
    }
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param(String),
}

struct Route {
    method: Method,
    segments: Vec<Segment>,
    handler: Handler,
}

/// Routes requests to handlers by method and path.
///
/// `HEAD` falls back to the `GET` route. A path that matches with another
/// method answers 405 with an `allow` header; no match answers 404.
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Router::default()
    }

    /// Adds a route for `method` and `pattern`, e.g. `/posts/{id}`.
    pub fn route(mut self, method: Method, pattern: &str, handler: Handler) -> Self {
        let segments = split(pattern)
            .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_owned()),
                None => Segment::Literal(segment.to_owned()),
            })
            .collect();
        self.routes.push(Route { method, segments, handler });
        self
    }

    pub fn get(self, pattern: &str, handler: Handler) -> Self {
        self.route(Method::Get, pattern, handler)
    }

    pub fn post(self, pattern: &str, handler: Handler) -> Self {
        self.route(Method::Post, pattern, handler)
    }

    pub fn put(self, pattern: &str, handler: Handler) -> Self {
        self.route(Method::Put, pattern, handler)
    }

    pub fn patch(self, pattern: &str, handler: Handler) -> Self {
        self.route(Method::Patch, pattern, handler)
    }

    pub fn delete(self, pattern: &str, handler: Handler) -> Self {
        self.route(Method::Delete, pattern, handler)
    }

    /// Answers `request` with the first matching route.
    pub fn handle(&self, request: &Request) -> Response {
        let path: Vec<&str> = split(&request.path).collect();
        let mut allowed = Vec::new();
        for route in &self.routes {
            let Some(params) = matches(&route.segments, &path) else {
                continue;
            };
            let method_matches =
                route.method == request.method || (request.method == Method::Head && route.method == Method::Get);
            if method_matches {
                let mut response = (route.handler)(request, &params).unwrap_or_else(Response::from);
                if request.method == Method::Head {
                    response.body.clear();
                }
                return response;
            }
            allowed.push(route.method.as_str());
        }
        if allowed.is_empty() {
            return Error::NotFound.into();
        }
        let response: Response = Error::Invalid("method not allowed".to_owned()).into();
        let mut response = response.with_header("allow", &allowed.join(", "));
        response.status = 405;
        response
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|segment| !segment.is_empty())
}

fn matches(segments: &[Segment], path: &[&str]) -> Option<Params> {
    if segments.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (segment, actual) in segments.iter().zip(path) {
        match segment {
            Segment::Literal(literal) if literal == actual => {}
            Segment::Literal(_) => return None,
            Segment::Param(name) => params.push((name.clone(), percent_decode(actual))),
        }
    }
    Some(Params(params))
}

fn percent_decode(segment: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={}", segment.replace('+', "%2B")))
        .ok()
        .and_then(|mut pairs| pairs.pop())
        .map(|(_, value)| value)
        .unwrap_or_else(|| segment.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, path: &str) -> Request {
        Request {
            method,
            path: path.to_owned(),
            query: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            uploads: Vec::new(),
        }
    }

    fn echo_id(_: &Request, params: &Params) -> Result<Response, Error> {
        Ok(Response::text(200, params.require("id")?))
    }

    fn fails(_: &Request, _: &Params) -> Result<Response, Error> {
        Err(Error::Denied("no".into()))
    }

    #[test]
    fn routes_by_method_and_captures_segments() {
        let router = Router::new().get("/posts/{id}", echo_id).delete("/posts/{id}", fails);
        let ok = router.handle(&request(Method::Get, "/posts/a%20b"));
        assert_eq!((ok.status, ok.body.as_slice()), (200, b"a b".as_slice()));
        assert_eq!(router.handle(&request(Method::Delete, "/posts/1")).status, 403);
        let head = router.handle(&request(Method::Head, "/posts/1"));
        assert_eq!((head.status, head.body.len()), (200, 0));
    }

    #[test]
    fn unknown_paths_and_methods_are_distinguished() {
        let router = Router::new().get("/posts/{id}", echo_id);
        assert_eq!(router.handle(&request(Method::Get, "/nothing")).status, 404);
        let wrong = router.handle(&request(Method::Put, "/posts/1"));
        assert_eq!(wrong.status, 405);
        assert!(wrong.headers.contains(&("allow".to_owned(), "GET".to_owned())));
    }
}
