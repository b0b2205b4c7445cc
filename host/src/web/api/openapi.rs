//! The OpenAPI 3 description of the platform API, generated from the route
//! table: paths, methods, the permission each route needs
//! (`x-courtyard-permission`), and request and response schemas derived
//! from the Rust types.

use std::sync::OnceLock;

use axum::Json;
use axum::http::Method;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::{Endpoint, Routes, route};
use crate::identity::Permission;

static DOCUMENT: OnceLock<Value> = OnceLock::new();

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(Method::GET, "/api/openapi.json", Permission::Public, "This description of the platform API"),
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

/// The OpenAPI document for `endpoints`.
pub fn document(endpoints: &[Endpoint]) -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let mut paths = Map::new();
    for endpoint in endpoints {
        let methods: Vec<String> = match &endpoint.method {
            Some(method) => vec![method.as_str().to_lowercase()],
            None => ["get", "post", "put", "patch", "delete"].map(str::to_owned).to_vec(),
        };
        let parameters: Vec<Value> = endpoint
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let name = name.trim_start_matches('*');
                json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } })
            })
            .collect();
        let mut responses = Map::new();
        let success = match endpoint.response {
            Some(schema) => json!({
                "description": "success",
                "content": { "application/json": { "schema": schema(&mut generator) } }
            }),
            None => json!({ "description": "success" }),
        };
        responses.insert(endpoint.success.to_string(), success);
        let error = json!({ "$ref": "#/components/responses/Error" });
        if endpoint.permission != Permission::Public {
            responses.insert("401".into(), error.clone());
            responses.insert("403".into(), error.clone());
        }
        if endpoint.path.contains('{') {
            responses.insert("404".into(), error.clone());
        }
        responses.insert("default".into(), error);
        let mut operation = json!({
            "summary": endpoint.summary,
            "operationId": format!("{} {}", endpoint.method_name(), endpoint.path),
            "x-courtyard-permission": endpoint.permission.name(),
            "parameters": parameters,
            "responses": responses,
        });
        if endpoint.permission != Permission::Public {
            operation["security"] = json!([{ "bearer": [] }, { "session": [] }]);
        }
        if let Some(schema) = endpoint.request {
            operation["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": schema(&mut generator) } }
            });
        }
        let path = paths.entry(endpoint.path.replace("{*", "{")).or_insert_with(|| json!({}));
        for method in methods {
            path[method] = operation.clone();
        }
    }
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Courtyard platform API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every operation names the permission it needs in `x-courtyard-permission`. \
                            Objects outside the caller's reach answer 404."
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::identity::SECURE_SESSION_COOKIE }
            },
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": { "error": { "type": "object", "properties": {
                            "code": { "type": "string" }, "message": { "type": "string" }
                        } } }
                    } } }
                }
            }
        }
    })
}
