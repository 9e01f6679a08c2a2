//! Typed ids: an application's, a person's and an interview's id are
//! different types, so `dismiss(app, rule, interview, who, …)` cannot take
//! them in the wrong order. On the wire each is the plain string it always
//! was (`#[serde(transparent)]`, the same JSON Schema), so files, the API
//! and the stores see no difference.
//!
//! The text is a `SmolStr`: an id of up to 23 bytes (nearly all: `marie`,
//! `acme-analyst`, `app-04217`) is kept inline, so reading a store's
//! applications, copying ids into a hundred thousand actions and dropping
//! them all allocate and free nothing for them; a longer one is shared.
//! It hashes, compares and orders as its `str`, which `Borrow<str>` needs.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

macro_rules! string_id {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(
            Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(SmolStr);

        impl $name {
            pub fn new(id: impl AsRef<str>) -> Self {
                $name(SmolStr::new(id))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0.into()
            }
        }

        // The schema is the string's, inline: the OpenAPI document names
        // no id type (a derive would add a named, described schema).
        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                String::schema_name()
            }

            fn schema_id() -> Cow<'static, str> {
                String::schema_id()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                String::json_schema(generator)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Lets a `HashMap<Id, _>` or `HashSet<Id>` be asked with a `&str`;
        // sound because the id hashes and compares as its string does.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(SmolStr::from(id))
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(SmolStr::new(id))
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> Self {
                $name(SmolStr::new(id))
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.into()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0 == other.as_str()
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0.as_str()
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0.as_str()
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self.as_str() == other.0.as_str()
            }
        }
    )+};
}

string_id! {
    /// An application's id (`acme-analyst`), unique in a dataset.
    AppId;
    /// A person's id (`marie`), unique in their application.
    PersonId;
    /// An interview's id (`onsite`), unique in its application.
    InterviewId;
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn an_id_is_its_string_on_the_wire_and_in_the_schema() {
        let id = PersonId::from("marie");
        assert_eq!(serde_json::to_string(&id).expect("json"), r#""marie""#);
        let back: PersonId = serde_json::from_str(r#""marie""#).expect("id");
        assert_eq!(back, id);
        let schema = |s: schemars::Schema| {
            let mut v = serde_json::to_value(s).expect("schema");
            v.as_object_mut().map(|o| o.remove("title"));
            v
        };
        assert_eq!(
            schema(schemars::schema_for!(Option<AppId>)),
            schema(schemars::schema_for!(Option<String>))
        );
        assert_eq!(
            schema(schemars::schema_for!(Vec<PersonId>)),
            schema(schemars::schema_for!(Vec<String>))
        );
    }

    #[test]
    fn a_map_of_ids_is_asked_with_a_str() {
        let mut m = HashMap::new();
        m.insert(AppId::from("acme"), 1);
        assert_eq!(m.get("acme"), Some(&1));
        // Kept inline or shared, an id hashes, compares and orders as its
        // text (what `Borrow<str>` needs), and reads back as it was.
        let long = "a-company-with-a-very-long-name-analyst-2026";
        for text in ["", "p0", "exactly-twenty-three-by", long, "Zoë ✓ 東京"] {
            let id = PersonId::new(text);
            assert_eq!(id.as_str(), text);
            assert_eq!(id.clone().into_string(), text);
            assert_eq!(format!("{id:?}"), format!("PersonId({text:?})"));
            let mut m = HashMap::new();
            m.insert(id.clone(), text.len());
            assert_eq!(m.get(text), Some(&text.len()));
            assert_eq!(id.cmp(&PersonId::new(long)), text.cmp(long));
        }
        let id = AppId::from("acme");
        assert_eq!(id, "acme");
        assert_eq!("acme", id);
    }
}
