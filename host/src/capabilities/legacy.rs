//! Contract 0.1.0 for components built against it: each call is translated
//! into its 0.2 counterpart and answered by the same implementation, so
//! one gate, one policy decision and one audit entry serve both versions.
//!
//! What 0.1 cannot express reads as its nearest 0.1 meaning: a document
//! visible to a unit, to staff or to participants is not property-wide, so
//! it reads as `private`; a unique-key `conflict`, which a 0.1 call cannot
//! cause, would read as `invalid`.

use super::bindings::v0_1;
use super::bindings::{collections, context, log, notifications, outbound_http, profile, types};
use super::{CallContext, CallError};

impl v0_1::types::Host for CallContext {
    fn convert_error(&mut self, error: CallError) -> wasmtime::Result<v0_1::types::Error> {
        let error = <CallContext as types::Host>::convert_error(self, error)?;
        Ok(match error {
            types::Error::Denied(reason) => v0_1::types::Error::Denied(reason),
            types::Error::NotFound => v0_1::types::Error::NotFound,
            types::Error::Invalid(reason) => v0_1::types::Error::Invalid(reason),
            types::Error::Limit(reason) => v0_1::types::Error::Limit(reason),
            types::Error::Unavailable(reason) => v0_1::types::Error::Unavailable(reason),
            types::Error::Conflict(key) => v0_1::types::Error::Invalid(format!("the key `{key}` is taken")),
        })
    }
}

impl v0_1::context::Host for CallContext {
    fn current(&mut self) -> wasmtime::Result<v0_1::context::Caller> {
        let caller = <CallContext as context::Host>::current(self)?;
        Ok(v0_1::context::Caller {
            subject: caller.subject,
            property: caller.property,
            roles: caller.roles,
            locale: caller.locale,
            request_id: caller.request_id,
        })
    }
}

impl v0_1::collections::Host for CallContext {
    fn get(&mut self, collection: String, id: String) -> Result<v0_1::collections::Document, CallError> {
        <CallContext as collections::Host>::get(self, collection, id).map(document)
    }

    fn query(
        &mut self,
        collection: String,
        criteria: v0_1::collections::Criteria,
    ) -> Result<v0_1::collections::Page, CallError> {
        use v0_1::collections::Value as Old;
        let filters = criteria
            .filters
            .into_iter()
            .map(|filter| collections::Filter {
                field: filter.field,
                comparison: collections::Comparison::Equal,
                value: match filter.equals {
                    Old::Text(text) => collections::Value::Text(text),
                    Old::Integer(integer) => collections::Value::Integer(integer),
                    Old::Float(float) => collections::Value::Float(float),
                    Old::Boolean(boolean) => collections::Value::Boolean(boolean),
                },
            })
            .collect();
        let criteria = collections::Criteria {
            filters,
            mine_only: criteria.mine_only,
            parent: None,
            order: match criteria.order {
                v0_1::collections::Order::NewestFirst => collections::Order::NewestFirst,
                v0_1::collections::Order::OldestFirst => collections::Order::OldestFirst,
            },
            limit: criteria.limit,
            cursor: criteria.cursor,
        };
        let page = <CallContext as collections::Host>::query(self, collection, criteria)?;
        Ok(v0_1::collections::Page {
            documents: page.documents.into_iter().map(document).collect(),
            next_cursor: page.next_cursor,
        })
    }

    fn insert(
        &mut self,
        collection: String,
        body: String,
        visibility: v0_1::collections::Visibility,
    ) -> Result<v0_1::collections::Document, CallError> {
        let visibility = match visibility {
            v0_1::collections::Visibility::Private => collections::Visibility::Private,
            v0_1::collections::Visibility::Property => collections::Visibility::Property,
        };
        let new =
            collections::NewDocument { body, visibility, parent: None, participants: Vec::new(), keys: Vec::new() };
        <CallContext as collections::Host>::insert(self, collection, new).map(document)
    }

    fn update(
        &mut self,
        collection: String,
        id: String,
        body: String,
        expected_revision: Option<u64>,
    ) -> Result<v0_1::collections::Document, CallError> {
        let changes = collections::Changes { body, expected_revision, keys: None };
        <CallContext as collections::Host>::update(self, collection, id, changes).map(document)
    }

    fn delete(&mut self, collection: String, id: String) -> Result<(), CallError> {
        <CallContext as collections::Host>::delete(self, collection, id)
    }
}

fn document(document: collections::Document) -> v0_1::collections::Document {
    v0_1::collections::Document {
        id: document.id,
        owner: document.owner,
        visibility: match document.visibility {
            collections::Visibility::Property => v0_1::collections::Visibility::Property,
            _ => v0_1::collections::Visibility::Private,
        },
        body: document.body,
        created_at: document.created_at,
        updated_at: document.updated_at,
        revision: document.revision,
    }
}

impl v0_1::profile::Host for CallContext {
    fn read(
        &mut self,
        subject: Option<String>,
        fields: Vec<v0_1::profile::Field>,
    ) -> Result<Vec<v0_1::profile::Entry>, CallError> {
        use v0_1::profile::Field as Old;
        let fields = fields
            .into_iter()
            .map(|field| match field {
                Old::DisplayName => profile::Field::DisplayName,
                Old::GivenName => profile::Field::GivenName,
                Old::FamilyName => profile::Field::FamilyName,
                Old::Email => profile::Field::Email,
                Old::Phone => profile::Field::Phone,
                Old::Unit => profile::Field::Unit,
                Old::Address => profile::Field::Address,
                Old::Locale => profile::Field::Locale,
            })
            .collect();
        let entries = <CallContext as profile::Host>::read(self, subject, fields)?;
        Ok(entries
            .into_iter()
            .map(|entry| v0_1::profile::Entry {
                field: match entry.field {
                    profile::Field::DisplayName => Old::DisplayName,
                    profile::Field::GivenName => Old::GivenName,
                    profile::Field::FamilyName => Old::FamilyName,
                    profile::Field::Email => Old::Email,
                    profile::Field::Phone => Old::Phone,
                    profile::Field::Unit => Old::Unit,
                    profile::Field::Address => Old::Address,
                    profile::Field::Locale => Old::Locale,
                },
                value: entry.value,
            })
            .collect())
    }
}

impl v0_1::notifications::Host for CallContext {
    fn send(&mut self, subject: String, notification: v0_1::notifications::Notification) -> Result<(), CallError> {
        let notification =
            notifications::Notification { title: notification.title, body: notification.body, link: notification.link };
        <CallContext as notifications::Host>::send(self, subject, notification)
    }
}

impl v0_1::outbound_http::Host for CallContext {
    fn send(&mut self, request: v0_1::outbound_http::Request) -> Result<v0_1::outbound_http::Response, CallError> {
        let request = outbound_http::Request {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
        };
        let response = <CallContext as outbound_http::Host>::send(self, request)?;
        Ok(v0_1::outbound_http::Response { status: response.status, headers: response.headers, body: response.body })
    }
}

impl v0_1::log::Host for CallContext {
    fn write(&mut self, level: v0_1::log::Level, message: String) -> wasmtime::Result<()> {
        let level = match level {
            v0_1::log::Level::Trace => log::Level::Trace,
            v0_1::log::Level::Debug => log::Level::Debug,
            v0_1::log::Level::Info => log::Level::Info,
            v0_1::log::Level::Warn => log::Level::Warn,
            v0_1::log::Level::Error => log::Level::Error,
        };
        <CallContext as log::Host>::write(self, level, message)
    }
}
