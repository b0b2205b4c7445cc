//! What a manifest declares about the documents an app keeps (contract
//! 0.2): which platform roles count as its staff, and which fields it
//! ranges over and orders by.
//!
//! ```toml
//! staff_roles = ["property-manager", "service-agent"]
//!
//! [[indexes]]
//! collection = "tickets"
//! fields = ["state", "last_activity"]
//! ```

use serde::{Deserialize, Serialize};

use crate::identity::Role;
use crate::storage::{MAX_INDEX_FIELDS, is_field_name};

/// An index of one collection: the fields a query filters on with `equal`,
/// then at most one it ranges over or orders by, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexDeclaration {
    pub collection: String,
    pub fields: Vec<String>,
}

/// Checks the staff roles: platform roles that work in a property.
pub fn check_staff_roles(roles: &[String]) -> Result<(), String> {
    for role in roles {
        match Role::parse(role) {
            Some(Role::PropertyManager | Role::ServiceAgent | Role::CustomerAdmin) => {}
            Some(_) => return Err(format!("`{role}` cannot be staff of an app: use a role that works in a property")),
            None => return Err(format!("`{role}` is not a platform role")),
        }
    }
    Ok(())
}

/// Checks the indexes against the collections the manifest writes or reads.
pub fn check_indexes(indexes: &[IndexDeclaration], collections: &[&str]) -> Result<(), String> {
    if indexes.len() > 16 {
        return Err("at most 16 indexes".to_owned());
    }
    for index in indexes {
        if !collections.contains(&index.collection.as_str()) {
            return Err(format!("the index names `{}`, a collection the app does not declare", index.collection));
        }
        if index.fields.is_empty() || index.fields.len() > MAX_INDEX_FIELDS {
            return Err(format!("an index has 1 to {MAX_INDEX_FIELDS} fields"));
        }
        if let Some(field) = index.fields.iter().find(|field| !is_field_name(field)) {
            return Err(format!("`{field}` is not a field name: use 1 to 64 ASCII letters, digits or `_`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_are_roles_that_work_in_a_property() {
        assert!(check_staff_roles(&["property-manager".into(), "service-agent".into()]).is_ok());
        assert!(check_staff_roles(&["resident".into()]).unwrap_err().contains("resident"));
        assert!(check_staff_roles(&["janitor".into()]).unwrap_err().contains("not a platform role"));
    }

    #[test]
    fn indexes_name_declared_collections_and_plain_fields() {
        let index = |collection: &str, fields: &[&str]| IndexDeclaration {
            collection: collection.into(),
            fields: fields.iter().map(|field| field.to_string()).collect(),
        };
        assert!(check_indexes(&[index("tickets", &["state", "last_activity"])], &["tickets"]).is_ok());
        assert!(check_indexes(&[index("other", &["state"])], &["tickets"]).is_err());
        assert!(check_indexes(&[index("tickets", &["a.b"])], &["tickets"]).is_err());
        assert!(check_indexes(&[index("tickets", &[])], &["tickets"]).is_err());
        assert!(check_indexes(&[index("tickets", &["a", "b", "c", "d", "e"])], &["tickets"]).is_err());
    }
}
