//! `courtyard:platform/profile`: profile fields, one grant per field.
//!
//! A call asking for several fields is decided field by field and refused as
//! a whole when any one is not allowed, naming it. Fields the person has not
//! filled in are left out, never invented.

use std::sync::Arc;

use super::{Access, CallContext, CallError, Power};
use crate::capabilities::bindings::profile::{Entry, Field, Host};
use crate::capabilities::bindings::types::Error;
use crate::grant;
use crate::grant::ProfileField;

/// Most fields one read may ask for: every field once.
const MAX_FIELDS: usize = 8;

fn to_field(field: Field) -> ProfileField {
    match field {
        Field::DisplayName => ProfileField::DisplayName,
        Field::GivenName => ProfileField::GivenName,
        Field::FamilyName => ProfileField::FamilyName,
        Field::Email => ProfileField::Email,
        Field::Phone => ProfileField::Phone,
        Field::Unit => ProfileField::Unit,
        Field::Address => ProfileField::Address,
        Field::Locale => ProfileField::Locale,
    }
}

impl Host for CallContext {
    fn read(&mut self, subject: Option<String>, fields: Vec<Field>) -> Result<Vec<Entry>, CallError> {
        let mut wanted: Vec<Field> = Vec::new();
        for field in &fields {
            if !wanted.contains(field) {
                wanted.push(*field);
            }
        }
        let names: Vec<&str> = wanted.iter().map(|field| to_field(*field).as_str()).collect();
        let mut access = Access::new(
            "profile.read",
            Power::ReadProfile,
            "profile",
            wanted.iter().map(|field| vec![grant::profile(to_field(*field))]).collect(),
        );
        access.fields = Some(names.join(","));
        if fields.is_empty() || fields.len() > MAX_FIELDS {
            return Err(self.reject(access, Error::Invalid(format!("ask for 1 to {MAX_FIELDS} fields"))));
        }
        let target = match &subject {
            None => match &self.caller.user_id {
                Some(user) => Some(user.clone()),
                None => return Err(self.reject(access, Error::Denied("no one is signed in".to_owned()))),
            },
            Some(subject) => match self.resolve_subject(subject) {
                Ok(target) => target,
                Err(error) => return Err(self.reject(access, error)),
            },
        };
        access.resource_id = target.clone();
        // An unknown subject is refused like any other, and audited.
        let Some(user) = target else {
            access.subject = None;
            let entry = self.admit_access(access)?;
            let result = Err(Error::NotFound.into());
            self.settle(entry, &result);
            return result;
        };
        access.subject = Some(user.clone());
        let entry = self.admit_access(access)?;
        let property = self.caller.property.clone().unwrap_or_default();
        let record = match self.services.profiles.cached(&user, &property) {
            Some(record) => Some(Ok(record)),
            None => {
                let profiles = Arc::clone(&self.services.profiles);
                let today = crate::identity::today();
                self.block_on(async move { profiles.load(&user, &property, &today).await })
            }
        };
        let result = match record {
            Some(Ok(Some(record))) => Ok(wanted
                .iter()
                .filter_map(|field| record.value(to_field(*field)).map(|value| Entry { field: *field, value }))
                .collect()),
            Some(Ok(None)) => Err(Error::NotFound.into()),
            Some(Err(err)) => {
                tracing::error!(app = %self.app_id, error = %err, "profile read failed");
                Err(Error::Unavailable("profiles are temporarily unavailable".to_owned()).into())
            }
            None => Err(Error::Unavailable("the request ran out of time".to_owned()).into()),
        };
        self.settle(entry, &result);
        result
    }
}
