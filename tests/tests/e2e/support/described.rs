//! Every answer the suite gets from the platform API, held against the
//! OpenAPI description: the operation's documented status, and a body of
//! the documented shape — no field the description does not name, none it
//! requires missing, each of its documented type. A handler that drifts
//! from its declaration fails whichever test calls it.

use std::sync::LazyLock;

use serde_json::Value;

/// The description, as `courtyard openapi` prints and the server serves it.
static DESCRIPTION: LazyLock<Value> =
    LazyLock::new(|| courtyard::web::api::openapi_document(&courtyard::web::api::declared()));

/// The operation `method path` is, if the description has it.
fn operation(method: &str, path: &str) -> Option<(&'static str, &'static Value)> {
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    let paths = DESCRIPTION["paths"].as_object()?;
    let (template, item) = paths.iter().find(|(template, _)| {
        let parts: Vec<&str> = template.split('/').collect();
        parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(part, segment)| (part.starts_with('{') && !segment.is_empty()) || part == segment)
    })?;
    Some((template.as_str(), item.get(method.to_lowercase())?))
}

/// Checks an answer to `method path` with `status` and `body` (JSON, or
/// `Null` when there was none) against the description.
pub fn assert_described(method: &str, path: &str, status: u16, body: &Value) {
    if !path.starts_with("/api/") {
        return;
    }
    // A method the path lacks (405) is no operation.
    let Some((template, operation)) = operation(method, path) else { return };
    let what = format!("{method} {template} answered {status}");
    let responses = &operation["responses"];
    let response = match responses.get(status.to_string()) {
        Some(response) => response,
        None if status >= 400 => &responses["default"],
        None => panic!("{what}, which the description does not list: {body}"),
    };
    let response = resolve(response);
    match response["content"]["application/json"]["schema"].as_object() {
        Some(_) => check(&what, "", &response["content"]["application/json"]["schema"], body),
        None if response.get("content").is_none() => {
            assert!(body.is_null(), "{what} with a body the description does not have: {body}")
        }
        // Another media type (JSON Lines): not read as JSON here.
        None => {}
    }
}

fn resolve(schema: &Value) -> &Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let mut target = &*DESCRIPTION;
            for part in reference.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            resolve(target)
        }
        None => schema,
    }
}

/// Whether `value` fits `schema`, with what is wrong if not.
fn fits(schema: &Value, value: &Value) -> Result<(), String> {
    let schema = resolve(schema);
    if value.is_null() {
        let nullable = schema["nullable"] == true
            || schema["enum"].as_array().is_some_and(|values| values.contains(&Value::Null))
            || ["anyOf", "oneOf", "allOf"]
                .iter()
                .any(|key| schema[*key].as_array().is_some_and(|all| all.iter().any(|s| fits(s, value).is_ok())));
        return if nullable { Ok(()) } else { Err("null where the description has no null".to_owned()) };
    }
    if let Some(all) = schema["allOf"].as_array() {
        for inner in all {
            fits(inner, value)?;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(variants) = schema[key].as_array()
            && !variants.iter().any(|variant| fits(variant, value).is_ok())
        {
            return Err(format!("{value} fits none of {key}"));
        }
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        return Err(format!("{value} is not one of {values:?}"));
    }
    let typed = match schema["type"].as_str() {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some(other) => return Err(format!("unknown type {other}")),
    };
    if !typed {
        return Err(format!("{value} is not of type {}", schema["type"]));
    }
    if let (Some(object), Some(properties)) = (value.as_object(), schema["properties"].as_object()) {
        let open = schema.get("additionalProperties").is_some_and(|more| more != false);
        for (key, inner) in object {
            match properties.get(key) {
                Some(property) => fits(property, inner).map_err(|err| format!(".{key}: {err}"))?,
                None if open => {}
                None => return Err(format!("`{key}` is not in the description")),
            }
        }
        for required in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(required) {
                return Err(format!("`{required}` is required but missing"));
            }
        }
    }
    if let (Some(items), Some(item_schema)) = (value.as_array(), schema.get("items")) {
        for (index, item) in items.iter().enumerate() {
            fits(item_schema, item).map_err(|err| format!("[{index}]{err}"))?;
        }
    }
    Ok(())
}

fn check(what: &str, at: &str, schema: &Value, value: &Value) {
    if let Err(problem) = fits(schema, value) {
        panic!("{what} differs from its description at {at}{problem}: {value}");
    }
}

/// The check catches drift: an undocumented field, a missing one, a wrong type.
#[test]
fn the_description_check_catches_drift() {
    let unit = "/api/units/00000000-0000-0000-0000-000000000000";
    let good = serde_json::json!({
        "id": "u", "customer_id": "c", "property_id": "p", "external_id": null, "kind": "flat",
        "label": "1.1", "floor": null, "created_at": "2026-12-07T11:48:28.123Z", "updated_at": "2026-12-07T11:48:28.123Z"
    });
    assert_described("GET", unit, 200, &good);
    assert_described("GET", unit, 404, &serde_json::json!({ "error": { "code": "not_found", "message": "x" } }));
    let mut extra = good.clone();
    extra["secret"] = "x".into();
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("label");
    let mut mistyped = good.clone();
    mistyped["created_at"] = 1.into();
    for bad in [extra, missing, mistyped, serde_json::json!([good])] {
        let caught = std::panic::catch_unwind(|| assert_described("GET", unit, 200, &bad));
        assert!(caught.is_err(), "{bad} passed");
    }
    let undocumented_status = std::panic::catch_unwind(|| assert_described("GET", unit, 201, &good));
    assert!(undocumented_status.is_err());
}
