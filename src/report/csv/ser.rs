//! The serde side of CSV rows: a `Serializer` that flattens a row struct into its column names
//! and cell text. It knows nothing of CSV quoting or formula neutralisation (the parent does).
//!
//! Why a serializer of our own rather than `serde_json::to_value` with `preserve_order`:
//! - `#[serde(skip_serializing_if)]` reaches us as `skip_field`, so a skipped field still has its
//!   column (an empty cell) and every record keeps the header's width; a JSON object would just
//!   lose the key;
//! - `preserve_order` is a crate-wide switch that would change every other `serde_json::Map`
//!   in the program (the simulator's, the JSON reports'), for the sake of one writer;
//! - the cell rules (`yes`/`no`, `;`-joined lists, empty `None`) are one `match` each here, not a
//!   second pass over a `Value` that has already forgotten whether a string was a unit variant.

use serde::ser::{self, Impossible, Serialize, SerializeSeq, SerializeStruct, Serializer};
use std::fmt;

/// Why a value has no flat text: a shape one CSV cell (or one CSV row) does not hold.
#[derive(Debug)]
pub(super) struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, Unsupported> {
    Err(Unsupported(format!("{what} is not a CSV cell")))
}

/// A row flattened: each field's name and its cell text, in declaration order.
#[derive(Debug, Default)]
pub(super) struct Record {
    /// Serde field names (after `rename`/`rename_all`).
    pub names: Vec<String>,
    /// Cell text, one per name.
    pub cells: Vec<String>,
}

/// Flattens a row; fails unless the row serializes as a struct.
pub(super) fn record<R: Serialize + ?Sized>(row: &R) -> Result<Record, Unsupported> {
    row.serialize(RowSerializer)
}

impl SerializeStruct for Record {
    type Ok = Record;
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        // A JSON-only field (`csv::JsonOnly`) says so instead of giving its text: no column.
        let text = match value.serialize(Text { in_list: false }) {
            Err(Unsupported(why)) if why == super::JSON_ONLY => return Ok(()),
            Ok(text) => text,
            Err(_) => serde_json::to_string(value).unwrap_or_default(),
        };
        self.names.push(key.to_string());
        self.cells.push(text);
        Ok(())
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), Unsupported> {
        self.names.push(key.to_string());
        self.cells.push(String::new());
        Ok(())
    }

    fn end(self) -> Result<Record, Unsupported> {
        Ok(self)
    }
}

/// The top level: accepts a struct (or a newtype around one), nothing else.
struct RowSerializer;

macro_rules! not_a_row {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Record, Unsupported> {
            unsupported("a row that is not a struct")
        })*
    };
}

impl Serializer for RowSerializer {
    type Ok = Record;
    type Error = Unsupported;
    type SerializeSeq = Impossible<Record, Unsupported>;
    type SerializeTuple = Impossible<Record, Unsupported>;
    type SerializeTupleStruct = Impossible<Record, Unsupported>;
    type SerializeTupleVariant = Impossible<Record, Unsupported>;
    type SerializeMap = Impossible<Record, Unsupported>;
    type SerializeStruct = Record;
    type SerializeStructVariant = Impossible<Record, Unsupported>;

    not_a_row! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_i128(i128); serialize_u8(u8); serialize_u16(u16);
        serialize_u32(u32); serialize_u64(u64); serialize_u128(u128); serialize_f32(f32);
        serialize_f64(f64); serialize_char(char); serialize_str(&str); serialize_bytes(&[u8]);
        serialize_none(); serialize_unit(); serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Record, Unsupported> {
        unsupported("a row that is not a struct")
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Record, Unsupported> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Record, Unsupported> {
        unsupported("a row that is not a struct")
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        unsupported("a row that is not a struct")
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        unsupported("a row that is not a struct")
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        unsupported("a row that is not a struct")
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        unsupported("a row that is not a struct")
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        // `#[serde(flatten)]` lands here too: its field set depends on the value, so a header
        // taken from `Default` could not be trusted.
        unsupported("a row that is not a struct (a map, or a struct with `flatten`)")
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Record, Unsupported> {
        Ok(Record {
            names: Vec::with_capacity(len),
            cells: Vec::with_capacity(len),
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        unsupported("a row that is not a struct")
    }
}

/// One cell's text. `in_list` is set for the items of a list, which must be flat themselves.
struct Text {
    in_list: bool,
}

/// The items of a list, `;`-joined at the end.
struct List(Vec<String>);

impl SerializeSeq for List {
    type Ok = String;
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.0.push(value.serialize(Text { in_list: true })?);
        Ok(())
    }

    fn end(self) -> Result<String, Unsupported> {
        Ok(self.0.join(";"))
    }
}

macro_rules! display {
    ($($method:ident($ty:ty);)*) => {
        $(fn $method(self, v: $ty) -> Result<String, Unsupported> {
            Ok(v.to_string())
        })*
    };
}

impl Serializer for Text {
    type Ok = String;
    type Error = Unsupported;
    type SerializeSeq = List;
    type SerializeTuple = Impossible<String, Unsupported>;
    type SerializeTupleStruct = Impossible<String, Unsupported>;
    type SerializeTupleVariant = Impossible<String, Unsupported>;
    type SerializeMap = Impossible<String, Unsupported>;
    type SerializeStruct = Impossible<String, Unsupported>;
    type SerializeStructVariant = Impossible<String, Unsupported>;

    /// A cell is the compact form of its value: a type with a short text of its own (a users
    /// audit's control, `IAM.22:access_key_1`) gives that instead of its full JSON shape.
    fn is_human_readable(&self) -> bool {
        false
    }

    display! {
        serialize_i8(i8); serialize_i16(i16); serialize_i32(i32); serialize_i64(i64);
        serialize_i128(i128); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_u128(u128); serialize_f32(f32); serialize_f64(f64);
        serialize_char(char); serialize_str(&str);
    }

    fn serialize_bool(self, v: bool) -> Result<String, Unsupported> {
        Ok(if v { "yes" } else { "no" }.to_string())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<String, Unsupported> {
        unsupported("bytes")
    }

    fn serialize_none(self) -> Result<String, Unsupported> {
        Ok(String::new())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<String, Unsupported> {
        Ok(String::new())
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<String, Unsupported> {
        if name == super::JSON_ONLY && !self.in_list {
            return Err(Unsupported(super::JSON_ONLY.into()));
        }
        Ok(String::new())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Unsupported> {
        // Serde passes the name after `rename`/`rename_all`, so kebab-case arrives as such.
        Ok(variant.to_string())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Unsupported> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Unsupported> {
        unsupported("an enum variant with data")
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<List, Unsupported> {
        if self.in_list {
            return unsupported("a list inside a list");
        }
        Ok(List(Vec::with_capacity(len.unwrap_or(0))))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        unsupported("a tuple")
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        unsupported("a tuple struct")
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        unsupported("an enum variant with data")
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        unsupported("a map")
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unsupported> {
        unsupported("a nested struct")
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        unsupported("an enum variant with data")
    }
}
