//! Which top-level keys zetl.toml may hold: those of [`SetupFields`] and those of [`Config`].
//! `parse` reads the two structs separately (see there), so neither can refuse the other's
//! keys with `deny_unknown_fields`; this check does it for both.

use super::{at_line, Config};
use crate::setup::SetupFields;

/// The first top-level key that neither [`SetupFields`] nor [`Config`] reads, as toml reports
/// an unknown field: at its line, with every key the file may hold.
pub(super) fn refuse_unknown(text: &str) -> Result<(), String> {
    let table = toml::de::DeTable::parse(text).map_err(|e| at_line(text, e.span(), e.message()))?;
    let known = [serde_keys::<SetupFields>(), serde_keys::<Config>()].concat();
    let unknown = table
        .get_ref()
        .keys()
        .filter(|key| !known.contains(&key.get_ref().as_ref()))
        .min_by_key(|key| key.span().start);
    match unknown {
        None => Ok(()),
        Some(key) => {
            let expected: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            let message = format!(
                "unknown field `{}`, expected one of {}",
                key.get_ref(),
                expected.join(", ")
            );
            Err(at_line(text, Some(key.span()), &message))
        }
    }
}

/// The keys a struct deriving `Deserialize` reads: the derive names them to
/// `deserialize_struct`, which this deserializer records instead of reading anything.
fn serde_keys<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{Error, Visitor};
    struct Keys<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Keys<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(Error::custom("only the keys were asked for"))
        }
        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
            Err(Error::custom("not a struct"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut keys: &'static [&'static str] = &[];
    let _ = T::deserialize(Keys(&mut keys));
    keys
}
