//! Fields of a person's profile, read field by field.
//!
//! An app reads only the fields its manifest declares under `profile.read`
//! and the customer approved; a third-party app reads only fields the person
//! also consented to. Asking for any other field fails the whole read with
//! [`Error::Denied`] naming the field. Fields the person has not filled in
//! are simply absent: the accessors of [`Profile`] return `None` for them.
//!
//! ```no_run
//! use courtyard_sdk::profile::{self, Field};
//!
//! # fn demo() -> Result<(), courtyard_sdk::Error> {
//! let me = profile::mine(&[Field::DisplayName, Field::Unit])?;
//! let greeting = match me.display_name() {
//!     Some(name) => format!("Hello, {name}"),
//!     None => "Hello".to_owned(),
//! };
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::bindings::courtyard::platform::profile as wit;

/// One field of a profile. Serialises as its manifest name, e.g. `display-name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// The name the person chose to be shown to neighbours.
    DisplayName,
    GivenName,
    FamilyName,
    /// The verified email address.
    Email,
    Phone,
    /// The label of the person's unit, for example `Flat 3.2`.
    Unit,
    /// The postal address of the property.
    Address,
    /// BCP 47 locale, for example `de-CH`.
    Locale,
}

impl Field {
    /// Every field, in the order of the contract.
    pub const ALL: [Field; 8] = [
        Field::DisplayName,
        Field::GivenName,
        Field::FamilyName,
        Field::Email,
        Field::Phone,
        Field::Unit,
        Field::Address,
        Field::Locale,
    ];

    /// The field's name in the manifest and the WIT contract, e.g. `display-name`.
    pub fn name(self) -> &'static str {
        match self {
            Field::DisplayName => "display-name",
            Field::GivenName => "given-name",
            Field::FamilyName => "family-name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Unit => "unit",
            Field::Address => "address",
            Field::Locale => "locale",
        }
    }

    /// The field called `name` (as in the manifest), if there is one.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }

    fn to_wit(self) -> wit::Field {
        match self {
            Field::DisplayName => wit::Field::DisplayName,
            Field::GivenName => wit::Field::GivenName,
            Field::FamilyName => wit::Field::FamilyName,
            Field::Email => wit::Field::Email,
            Field::Phone => wit::Field::Phone,
            Field::Unit => wit::Field::Unit,
            Field::Address => wit::Field::Address,
            Field::Locale => wit::Field::Locale,
        }
    }

    fn from_wit(field: wit::Field) -> Field {
        match field {
            wit::Field::DisplayName => Field::DisplayName,
            wit::Field::GivenName => Field::GivenName,
            wit::Field::FamilyName => Field::FamilyName,
            wit::Field::Email => Field::Email,
            wit::Field::Phone => Field::Phone,
            wit::Field::Unit => Field::Unit,
            wit::Field::Address => Field::Address,
            wit::Field::Locale => Field::Locale,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Field {
    type Err = Error;

    /// Parses a manifest name such as `email`; anything else is [`Error::Invalid`].
    fn from_str(name: &str) -> Result<Field, Error> {
        Field::from_name(name).ok_or_else(|| Error::Invalid(format!("unknown profile field `{name}`")))
    }
}

/// The fields of one person that a read returned.
///
/// It holds exactly what the host answered: a field the person has not
/// filled in is `None`, never an empty string or a placeholder. It
/// serialises as a JSON object keyed by field name (`{"display-name": "…"}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    entries: Vec<(Field, String)>,
}

impl Profile {
    /// A profile with these values, e.g. to test code that renders one.
    pub fn from_entries(entries: impl IntoIterator<Item = (Field, String)>) -> Profile {
        let mut profile = Profile::default();
        for (field, value) in entries {
            match profile.entries.iter_mut().find(|(known, _)| *known == field) {
                Some(entry) => entry.1 = value,
                None => profile.entries.push((field, value)),
            }
        }
        profile
    }

    /// The value of `field`, if the read returned one.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.entries.iter().find(|(known, _)| *known == field).map(|(_, value)| value.as_str())
    }

    pub fn display_name(&self) -> Option<&str> {
        self.get(Field::DisplayName)
    }

    pub fn given_name(&self) -> Option<&str> {
        self.get(Field::GivenName)
    }

    pub fn family_name(&self) -> Option<&str> {
        self.get(Field::FamilyName)
    }

    pub fn email(&self) -> Option<&str> {
        self.get(Field::Email)
    }

    pub fn phone(&self) -> Option<&str> {
        self.get(Field::Phone)
    }

    pub fn unit(&self) -> Option<&str> {
        self.get(Field::Unit)
    }

    pub fn address(&self) -> Option<&str> {
        self.get(Field::Address)
    }

    pub fn locale(&self) -> Option<&str> {
        self.get(Field::Locale)
    }

    /// The fields present, in the order the host answered them.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &str)> {
        self.entries.iter().map(|(field, value)| (*field, value.as_str()))
    }

    /// Whether no field was returned.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Serialize for Profile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (field, value) in &self.entries {
            map.serialize_entry(field.name(), value)?;
        }
        map.end()
    }
}

/// Reads `fields` of `subject`, a person of the caller's property, or of the
/// caller when `subject` is `None`.
///
/// ```no_run
/// use courtyard_sdk::profile::{self, Field};
/// # fn demo(owner: &str) -> String {
/// let author = profile::read(Some(owner), &[Field::DisplayName])
///     .ok()
///     .and_then(|profile| profile.display_name().map(str::to_owned))
///     .unwrap_or_else(|| "a neighbour".to_owned());
/// # author }
/// ```
pub fn read(subject: Option<&str>, fields: &[Field]) -> Result<Profile, Error> {
    let fields: Vec<wit::Field> = fields.iter().map(|field| field.to_wit()).collect();
    let entries = wit::read(subject, &fields)?;
    Ok(Profile::from_entries(entries.into_iter().map(|entry| (Field::from_wit(entry.field), entry.value))))
}

/// Reads `fields` of the caller.
pub fn mine(fields: &[Field]) -> Result<Profile, Error> {
    read(None, fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_match_the_contract_and_round_trip() {
        let names: Vec<&str> = Field::ALL.iter().map(|field| field.name()).collect();
        assert_eq!(names, ["display-name", "given-name", "family-name", "email", "phone", "unit", "address", "locale"]);
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.name()), Some(field));
            assert_eq!(field.name().parse::<Field>(), Ok(field));
            assert_eq!(Field::from_wit(field.to_wit()), field);
            assert_eq!(serde_json::to_value(field).unwrap(), field.name());
        }
        assert_eq!(Field::from_name("display_name"), None);
        assert!(matches!("password".parse::<Field>(), Err(Error::Invalid(reason)) if reason.contains("password")));
    }

    #[test]
    fn absent_fields_stay_absent() {
        let profile = Profile::from_entries([(Field::Email, "a@example.org".to_owned())]);
        assert_eq!(profile.email(), Some("a@example.org"));
        assert_eq!(profile.display_name(), None);
        assert_eq!(profile.phone(), None);
        assert!(!profile.is_empty());
        assert!(Profile::default().is_empty());
    }

    #[test]
    fn serialises_by_field_name_and_keeps_the_last_value() {
        let profile = Profile::from_entries([
            (Field::DisplayName, "Ada".to_owned()),
            (Field::Unit, "Flat 3.2".to_owned()),
            (Field::DisplayName, "Ada L.".to_owned()),
        ]);
        let json = serde_json::to_value(&profile).unwrap();
        assert_eq!(json, serde_json::json!({ "display-name": "Ada L.", "unit": "Flat 3.2" }));
    }
}
