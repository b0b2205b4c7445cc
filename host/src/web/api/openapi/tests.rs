//! The description's promises to client generators, checked on the live
//! route table: ids, names, parameters, bodies and the conventions.

use std::collections::BTreeSet;

use serde_json::Value;

use super::super::{Endpoint, Room, declared};
use super::{TAGS, document, query_parameters};

fn described() -> (Vec<Endpoint>, Value) {
    let endpoints = declared();
    let document = document(&endpoints);
    (endpoints, document)
}

/// Every operation of the document, as (path, method, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            all.push((path.clone(), method.clone(), operation.clone()));
        }
    }
    all
}

fn is_lower_camel_identifier(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|first| first.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

#[test]
fn every_operation_has_a_unique_id_a_generator_can_use() {
    let (endpoints, document) = described();
    for endpoint in endpoints.iter().filter(|e| e.room == Room::Api) {
        assert!(endpoint.id.is_some(), "{endpoint:?} declares no operation id: add `.id(\"verbNoun\")`");
    }
    let mut seen = BTreeSet::new();
    let operations = operations(&document);
    for (path, method, operation) in &operations {
        let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        assert!(is_lower_camel_identifier(id), "{method} {path}: `{id}` is not a lowerCamelCase identifier");
        assert!(seen.insert(id.to_owned()), "{method} {path}: `{id}` is used twice");
    }
    assert!(operations.len() > 60, "only {} operations", operations.len());
    // The any-method gateway has one per method.
    for method in ["get", "post", "put", "patch", "delete"] {
        let id = &document["paths"]["/apps/{app}/{path}"][method]["operationId"];
        assert_eq!(id, &Value::String(format!("{method}AppResource")));
    }
    for id in ["listCustomerPeople", "createUnit", "importMasterData", "queryAuditLog", "checkHealth"] {
        assert!(seen.contains(id), "{id} is missing");
    }
    assert!(!is_lower_camel_identifier("GET /api/me") && !is_lower_camel_identifier("list_units"));
}

#[test]
fn schema_names_say_what_they_are() {
    let (_, document) = described();
    let schemas = document["components"]["schemas"].as_object().expect("schemas");
    let junk = ["Page", "Array", "Object", "Value", "Nullable", "String", "Vec", "Option", "Map", "T", "Item"];
    for name in schemas.keys() {
        let shaped = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphabetic());
        assert!(shaped, "`{name}` is not a plain UpperCamelCase name (digits, `_for_`, `_of_` …)");
        assert!(!junk.contains(&name.as_str()), "`{name}` says nothing");
    }
    for name in ["UnitPage", "AuditEntryPage", "CatalogEntryPage", "Error", "MasterDataCsvRow"] {
        assert!(schemas.contains_key(name), "{name} is missing: {:?}", schemas.keys().collect::<Vec<_>>());
    }
    // Every reference resolves.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]) {
        let (kind, name) = reference
            .strip_prefix("#/components/")
            .and_then(|rest| rest.split_once('/'))
            .unwrap_or_else(|| panic!("{reference}"));
        assert!(document["components"][kind].get(name).is_some(), "{reference} does not resolve");
    }
}

/// Values a parameter's schema accepts, for trying the parser with.
fn sample(schema: &Value) -> String {
    if let Some(first) = schema["allOf"].as_array().and_then(|all| all.first()) {
        return sample(first);
    }
    if let Some(first) = schema["oneOf"].as_array().and_then(|variants| variants.first()) {
        return sample(first);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
        return first.as_str().map_or_else(|| first.to_string(), str::to_owned);
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("integer"), _) => schema["minimum"].as_i64().unwrap_or(1).to_string(),
        (Some("boolean"), _) => "true".to_owned(),
        (_, Some("date-time")) => "2026-12-07T11:48:28.123Z".to_owned(),
        _ => "x".to_owned(),
    }
}

#[test]
fn query_parameters_are_exactly_what_the_handler_parses() {
    let (endpoints, document) = described();
    let mut generator = schemars::generate::SchemaSettings::openapi3().into_generator();
    let definitions = &document["components"]["schemas"];
    let mut checked = 0;
    for endpoint in &endpoints {
        let Some(query) = &endpoint.query else { continue };
        let parameters = query_parameters(query, &mut generator);
        let item = &document["paths"][endpoint.path];
        let method = endpoint.method_name().to_lowercase();
        let documented: Vec<&Value> = item[&method]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|parameter| parameter["in"] == "query")
            .collect();
        assert_eq!(documented.len(), parameters.len(), "{endpoint:?}");
        assert!(!documented.is_empty(), "{endpoint:?} declares a query without parameters");
        let resolve = |schema: &Value| {
            let schema = schema["allOf"].get(0).unwrap_or(schema);
            match schema["$ref"].as_str() {
                Some(reference) => definitions[reference.rsplit('/').next().unwrap()].clone(),
                None => schema.clone(),
            }
        };
        let pairs: Vec<(String, String)> = documented
            .iter()
            .map(|p| (p["name"].as_str().unwrap().to_owned(), sample(&resolve(&p["schema"]))))
            .collect();
        for parameter in &documented {
            assert!(parameter["description"].as_str().is_some_and(|d| !d.is_empty()), "{endpoint:?}: {parameter}");
        }
        let encode = |pairs: &[(String, String)]| serde_urlencoded::to_string(pairs).unwrap();
        // Every documented parameter at once is read…
        (query.parse)(&encode(&pairs)).unwrap_or_else(|err| panic!("{endpoint:?} refuses its documented query: {err}"));
        // …each on its own too, unless another is required…
        for (index, parameter) in documented.iter().enumerate() {
            let required: Vec<(String, String)> = pairs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i == index || documented[*i]["required"] == true)
                .map(|(_, pair)| pair.clone())
                .collect();
            (query.parse)(&encode(&required)).unwrap_or_else(|err| panic!("{endpoint:?} {parameter}: {err}"));
        }
        // …leaving out a required one is refused…
        for (index, _) in documented.iter().enumerate().filter(|(_, p)| p["required"] == true) {
            let without: Vec<(String, String)> =
                pairs.iter().enumerate().filter(|(i, _)| *i != index).map(|(_, pair)| pair.clone()).collect();
            assert!((query.parse)(&encode(&without)).is_err(), "{endpoint:?} reads a query without a required one");
        }
        // …and one the description does not name is refused, not ignored.
        let mut undocumented = pairs.clone();
        undocumented.push(("colour".to_owned(), "red".to_owned()));
        assert!((query.parse)(&encode(&undocumented)).is_err(), "{endpoint:?} ignores an undocumented parameter");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} routes declare their query");
}

#[test]
fn bodies_errors_and_security_fit_each_operation() {
    let (_, document) = described();
    for (path, method, operation) in operations(&document) {
        let what = format!("{method} {path}");
        let permission = operation["x-courtyard-permission"].as_str().expect("a permission");
        let responses = operation["responses"].as_object().unwrap();
        assert!(responses.contains_key("default"), "{what}");
        let successes: Vec<&String> = responses.keys().filter(|status| status.starts_with('2')).collect();
        assert_eq!(successes.len(), 1, "{what}: {successes:?}");
        let success = &responses[successes[0]];
        if successes[0] == "204" {
            assert!(success.get("content").is_none(), "{what}: 204 with content");
        }
        if let Some(content) = success["content"].as_object() {
            for (media, object) in content {
                assert!(object["schema"].is_object(), "{what}: {media} without a schema");
                if media == "application/json" && method == "get" {
                    assert_ne!(object["schema"]["type"], "array", "{what} answers a bare array: answer a page");
                }
            }
        }
        if permission == "public" {
            assert!(
                operation["security"]
                    .as_array()
                    .is_some_and(|s| s.is_empty() || s.contains(&Value::Null) || s[0] == serde_json::json!({})),
                "{what}"
            );
            assert!(!responses.contains_key("403"), "{what}");
        } else {
            assert_eq!(operation["security"], serde_json::json!([{ "bearer": [] }, { "session": [] }]), "{what}");
            assert!(responses.contains_key("401") && responses.contains_key("403"), "{what}");
        }
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{what}");
        }
        if let Some(body) = operation.get("requestBody") {
            let content = body["content"].as_object().unwrap();
            if !path.starts_with("/apps/") {
                assert!(content.contains_key("application/json"), "{what} takes no JSON");
                for status in ["413", "415", "422"] {
                    assert!(responses.contains_key(status), "{what} lacks {status}");
                }
            }
        }
        let tag = operation["tags"][0].as_str().unwrap();
        assert!(TAGS.iter().any(|(name, _)| *name == tag), "{what}: unknown tag {tag}");
        assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{what}");
    }
    let import = &document["paths"]["/api/customers/{customer}/import"]["post"]["requestBody"]["content"];
    assert!(import["text/csv"]["example"].as_str().unwrap().starts_with("record,external_id,"), "{import}");
    let export = &document["paths"]["/api/customers/{customer}/audit"]["get"]["responses"]["200"]["content"];
    assert!(export["application/jsonl"].is_object() && export["application/json"].is_object(), "{export}");
}

#[test]
fn pages_for_people_are_listed_apart_from_the_operations() {
    let (endpoints, document) = described();
    let pages = document["x-courtyard-pages"].as_array().expect("the pages");
    for endpoint in endpoints.iter().filter(|e| e.room == Room::Page) {
        assert!(
            pages.iter().any(|page| page["path"] == endpoint.path && page["method"] == endpoint.method_name()),
            "{endpoint:?} is not listed"
        );
    }
    for path in document["paths"].as_object().unwrap().keys() {
        assert!(path.starts_with("/api/") || path.starts_with("/apps/") || path == "/healthz", "{path} is a page");
    }
    for page in ["/", "/account/signin", "/account/apps/{app}/consent", "/static/portal.css", "/apps/{app}"] {
        assert!(pages.iter().any(|p| p["path"] == page), "{page} is not listed among the pages");
    }
    assert!(pages.iter().all(|p| p["x-courtyard-permission"].is_string()));
}

/// Walks every schema of the document, named or in place.
fn walk<'a>(value: &'a Value, at: String, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(object) => {
            if let Some(properties) = object.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    found.push((format!("{at}.{name}"), property));
                }
            }
            for (key, inner) in object {
                walk(inner, format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => items.iter().for_each(|inner| walk(inner, at.clone(), found)),
        _ => {}
    }
}

#[test]
fn every_time_is_an_rfc3339_string_and_every_list_a_page() {
    let (_, document) = described();
    let mut properties = Vec::new();
    walk(&document["components"]["schemas"], String::new(), &mut properties);
    walk(&document["paths"], String::new(), &mut properties);
    let mut times = 0;
    for (at, schema) in &properties {
        let name = at.rsplit('.').next().unwrap();
        if name == "at" || name.ends_with("_at") || name == "since" {
            assert_eq!(
                (schema["type"].as_str(), schema["format"].as_str()),
                (Some("string"), Some("date-time")),
                "{at}: {schema}"
            );
            times += 1;
        }
        if name.ends_with("_on") || name == "valid_from" || name == "valid_until" {
            assert_ne!(schema["type"], "integer", "{at}: dates are YYYY-MM-DD");
        }
    }
    assert!(times > 15, "only {times} times found");
    // A schema with `items` holding a list is a page: `next` beside it.
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        let Some(properties) = schema["properties"].as_object() else { continue };
        if properties.get("items").is_some_and(|items| items["type"] == "array") {
            assert!(name.ends_with("Page"), "{name} is a list but not a page");
            assert_eq!(properties["next"]["type"], "string", "{name}");
            assert_eq!(properties["next"]["nullable"], true, "{name}");
        }
    }
    for (path, method, operation) in operations(&document) {
        if method != "get" || path.starts_with("/apps/") {
            continue;
        }
        let Some(reference) = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].as_str()
        else {
            continue;
        };
        let name = reference.rsplit('/').next().unwrap();
        let listed = document["components"]["schemas"][name]["properties"]["items"]["type"] == "array";
        let parameters: Vec<&str> =
            operation["parameters"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
        if listed {
            assert!(
                parameters.contains(&"after") && parameters.contains(&"limit"),
                "GET {path} pages without after/limit"
            );
        }
    }
}
