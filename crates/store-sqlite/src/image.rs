//! The load image: a derived copy of an application for fast loads (see
//! `migrations/0008_bodies.sql`). The body (serde JSON) is the truth, but
//! parsing thousands of bodies' RFC 3339 times and escaped strings takes
//! longer than a whole `debrief agenda` may.
//!
//! The image is the model's own serde value in a small positional format of
//! this crate's, so nothing here lists the model's fields:
//!
//! * a struct is a presence bitmap (one bit per field the model declares,
//!   `ceil(fields / 8)` bytes, least significant bit first) and then the
//!   present fields in declaration order; a field is absent when its
//!   `skip_serializing_if` left it out (serde calls `skip_field`), and reads
//!   back as its `#[serde(default)]`;
//! * integers are LEB128 varints (signed ones zigzagged), booleans and
//!   option tags one byte, sequences their length then their elements,
//!   enumerations their variant index, tuples their elements; a string is
//!   its length here and its bytes in the image's text section (every
//!   string, in order, before the data), so the text is validated as UTF-8
//!   once and each string sliced out of it;
//! * serde reads a struct as a sequence of its declared fields: an absent
//!   one is `None`, which derived code reads as the field's default (and
//!   refuses for a field without one, so a struct whose skipped field has
//!   no default fails to decode and its body is read);
//! * it is not self-describing: types that need `deserialize_any`
//!   (untagged or internally tagged enums, `flatten`) are refused with an
//!   error, never a panic; the model has none.
//!
//! A `Moment` is its three numbers here, packed in a byte string of
//! fixed widths (its non-human-readable form), so no time is parsed.
//!
//! Positions change meaning when the model changes (a field added, moved or
//! retyped, a variant reordered), so an image records the layout it was
//! written with: [`format`] is a hash of [`VERSION`] and of the model's
//! shape as its `Deserialize` reveals it (every struct's field list, every
//! enum's variant list, the kind of every value), traced once per process
//! by decoding a sample application that sets every field. Images of any
//! other format are ignored (the body is read instead) and rebuilt when the
//! store is next opened.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use debrief_core::model::Application;
use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use serde::ser::{self, Serialize};
use serde::{Deserialize, Deserializer, Serializer};

/// The encoding's own version: bump it when this file changes how it
/// writes a value (1–4 were the hand-written codec of schemas 1–7).
pub(crate) const VERSION: i64 = 5;

/// Why an image could not be written or read; a read falls back to the
/// body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageError(pub String);

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImageError {}

impl ser::Error for ImageError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ImageError(msg.to_string())
    }
}

impl de::Error for ImageError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ImageError(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, ImageError>;

fn unsupported<T>(what: &str) -> Result<T> {
    Err(ImageError(format!(
        "the load image cannot hold {what} (it is not self-describing)"
    )))
}

/// Packs an application.
pub(crate) fn encode(a: &Application) -> Result<Vec<u8>> {
    let mut w = Writer::new();
    a.serialize(&mut w)?;
    Ok(w.finish())
}

/// Unpacks an image; an error for anything that is not one, never a panic.
pub(crate) fn decode(image: &[u8]) -> Result<Application> {
    read(image, NoTrace).map(|(a, _)| a)
}

/// Reads an image with a tracer: the text section is validated as UTF-8
/// once, then the data section drives serde.
fn read<Tr: Tracer>(image: &[u8], trace: Tr) -> Result<(Application, Tr)> {
    let mut head = Reader {
        input: image,
        pos: 0,
        text: "",
        tpos: 0,
        trace: NoTrace,
    };
    let n = head.len()?;
    let text = head.take(n)?;
    let text =
        std::str::from_utf8(text).map_err(|e| ImageError(format!("the text is not UTF-8: {e}")))?;
    let data = image.get(head.pos..).unwrap_or_default();
    let mut r = Reader {
        input: data,
        pos: 0,
        text,
        tpos: 0,
        trace,
    };
    let a = Application::deserialize(&mut r)?;
    if r.pos != data.len() || r.tpos != text.len() {
        return Err(ImageError(format!(
            "{} bytes left over after the application",
            data.len() - r.pos + text.len() - r.tpos
        )));
    }
    Ok((a, r.trace))
}

/// The format this build writes and reads: [`VERSION`] and the model's
/// layout, hashed (see the module's documentation). Positive, below 2^62.
pub(crate) fn format() -> i64 {
    static FORMAT: OnceLock<i64> = OnceLock::new();
    *FORMAT.get_or_init(|| {
        let mut text = format!("image {VERSION}\n");
        match layout() {
            Ok(layout) => layout.iter().for_each(|line| {
                text.push_str(line);
                text.push('\n');
            }),
            // Cannot happen with a model this format reads (the tests
            // check); the version alone still tells formats apart.
            Err(e) => text.push_str(&e.0),
        }
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        i64::try_from(hash >> 2).unwrap_or(VERSION)
    })
}

/// The sample whose decoding reveals the layout: every field set somewhere.
fn sample() -> Application {
    let mut a = debrief_store::conformance::full_application("layout");
    a.archived = true;
    a
}

/// The model's shape, one line per struct, enum and value kind, each value
/// named by its path from the application (`Application.interviews[].start`).
fn layout() -> Result<BTreeSet<String>> {
    let image = encode(&sample())?;
    read(&image, Trace::default()).map(|(_, t)| t.lines)
}

// ---------------------------------------------------------------- writing

/// Writes the data section (`out`) and the text section (`text`: every
/// string's bytes, in order) apart; an image is the text's length, the
/// text, then the data.
struct Writer {
    out: Vec<u8>,
    text: String,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            out: Vec::with_capacity(512),
            text: String::with_capacity(1024),
        }
    }

    fn finish(self) -> Vec<u8> {
        let mut head = Writer {
            out: Vec::with_capacity(10 + self.text.len() + self.out.len()),
            text: String::new(),
        };
        head.len(self.text.len());
        head.out.extend_from_slice(self.text.as_bytes());
        head.out.extend_from_slice(&self.out);
        head.out
    }

    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn len(&mut self, n: usize) {
        self.uint(n as u64);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.out.extend_from_slice(b);
    }
}

/// A struct being written: its fields' presence, inserted before them at
/// the end (the field count is known only then).
struct StructWriter<'w> {
    w: &'w mut Writer,
    start: usize,
    fields: usize,
    bitmap: u64,
    /// Bits of fields from the 65th on.
    more: Vec<u8>,
}

impl StructWriter<'_> {
    fn mark(&mut self, present: bool) {
        let i = self.fields;
        self.fields += 1;
        if i < 64 {
            self.bitmap |= u64::from(present) << i;
        } else {
            if (i - 64).is_multiple_of(8) {
                self.more.push(0);
            }
            if let Some(last) = self.more.last_mut() {
                *last |= u8::from(present) << ((i - 64) % 8);
            }
        }
    }

    fn finish(self) {
        let bytes = self.fields.div_ceil(8);
        let mut map: Vec<u8> = self.bitmap.to_le_bytes().into_iter().take(bytes).collect();
        map.extend_from_slice(&self.more);
        self.w.out.splice(self.start..self.start, map);
    }
}

impl<'w> Serializer for &'w mut Writer {
    type Ok = ();
    type Error = ImageError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = StructWriter<'w>;
    type SerializeStructVariant = StructWriter<'w>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.push(u8::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.int(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.uint(v.into());
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.uint(v.into());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.uint(v.into());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.uint(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.uint(u64::from(u32::from(v)));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.len(v.len());
        self.text.push_str(v);
        Ok(())
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, v: &T) -> Result<()> {
        use std::fmt::Write as _;
        let start = self.text.len();
        write!(self.text, "{v}").map_err(|e| ImageError(e.to_string()))?;
        self.len(self.text.len() - start);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<()> {
        self.out.push(0);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<()> {
        self.out.push(1);
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<()> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> Result<()> {
        self.uint(index.into());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<()> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        v: &T,
    ) -> Result<()> {
        self.uint(index.into());
        v.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self> {
        match len {
            Some(n) => {
                self.len(n);
                Ok(self)
            }
            None => unsupported("a sequence of unknown length"),
        }
    }
    fn serialize_tuple(self, _: usize) -> Result<Self> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self> {
        self.uint(index.into());
        Ok(self)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self> {
        match len {
            Some(n) => {
                self.len(n);
                Ok(self)
            }
            None => unsupported("a map of unknown length"),
        }
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<StructWriter<'w>> {
        let start = self.out.len();
        Ok(StructWriter {
            w: self,
            start,
            fields: 0,
            bitmap: 0,
            more: Vec::new(),
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<StructWriter<'w>> {
        self.uint(index.into());
        self.serialize_struct("", 0)
    }
}

/// Sequences, tuples and tuple structs and variants: their elements one
/// after another (the length, if any, was written when they began).
macro_rules! elements_in_order {
    ($($tr:ident :: $method:ident),+ $(,)?) => {$(
        impl ser::$tr for &mut Writer {
            type Ok = ();
            type Error = ImageError;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
                v.serialize(&mut **self)
            }
            fn end(self) -> Result<()> {
                Ok(())
            }
        }
    )+};
}

elements_in_order!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl ser::SerializeMap for &mut Writer {
    type Ok = ();
    type Error = ImageError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<()> {
        k.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        v.serialize(&mut **self)
    }
    fn end(self) -> Result<()> {
        Ok(())
    }
}

/// Structs and struct variants: a presence bit for every field (serde
/// calls `skip_field` for a `skip_serializing_if` one), then the present
/// fields in order.
macro_rules! fields_with_presence {
    ($($tr:ident),+ $(,)?) => {$(
        impl ser::$tr for StructWriter<'_> {
            type Ok = ();
            type Error = ImageError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _: &'static str,
                v: &T,
            ) -> Result<()> {
                self.mark(true);
                v.serialize(&mut *self.w)
            }
            fn skip_field(&mut self, _: &'static str) -> Result<()> {
                self.mark(false);
                Ok(())
            }
            fn end(self) -> Result<()> {
                self.finish();
                Ok(())
            }
        }
    )+};
}

fields_with_presence!(SerializeStruct, SerializeStructVariant);

// ---------------------------------------------------------------- reading

/// What [`layout`] collects while decoding the sample: each line a path
/// and what was read there.
#[derive(Default)]
struct Trace {
    path: Vec<String>,
    lines: BTreeSet<String>,
}

/// What a [`Reader`] records as it goes: nothing on every real read
/// ([`NoTrace`], compiled away), the layout for [`format`] ([`Trace`]).
trait Tracer {
    fn note(&mut self, what: impl FnOnce() -> String);
    fn push(&mut self, step: impl FnOnce() -> String);
    fn pop(&mut self);
}

struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn note(&mut self, _: impl FnOnce() -> String) {}
    #[inline(always)]
    fn push(&mut self, _: impl FnOnce() -> String) {}
    #[inline(always)]
    fn pop(&mut self) {}
}

impl Tracer for Trace {
    fn note(&mut self, what: impl FnOnce() -> String) {
        self.lines
            .insert(format!("{}: {}", self.path.concat(), what()));
    }
    fn push(&mut self, step: impl FnOnce() -> String) {
        self.path.push(step());
    }
    fn pop(&mut self) {
        self.path.pop();
    }
}

struct Reader<'de, T = NoTrace> {
    /// The data section.
    input: &'de [u8],
    pos: usize,
    /// The text section, every string in order, validated once.
    text: &'de str,
    tpos: usize,
    trace: T,
}

impl<'de, Tr: Tracer> Reader<'de, Tr> {
    #[inline(always)]
    fn note(&mut self, what: impl FnOnce() -> String) {
        self.trace.note(what);
    }

    #[inline(always)]
    fn push(&mut self, step: impl FnOnce() -> String) {
        self.trace.push(step);
    }

    #[inline(always)]
    fn pop(&mut self) {
        self.trace.pop();
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .input
            .get(self.pos)
            .ok_or_else(|| ImageError("the image ends early".to_string()))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'de [u8]> {
        let input: &'de [u8] = self.input;
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= input.len())
            .ok_or_else(|| ImageError(format!("a length of {n} runs past the end")))?;
        let b = &input[self.pos..end];
        self.pos = end;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift == 63 && b > 1 {
                return Err(ImageError("a number is too long".to_string()));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(ImageError("a number is too long".to_string()));
            }
        }
    }

    fn int(&mut self) -> Result<i64> {
        let v = self.uint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn narrow<T: TryFrom<u64>>(&mut self) -> Result<T> {
        let v = self.uint()?;
        T::try_from(v).map_err(|_| ImageError(format!("{v} is out of range")))
    }

    fn narrow_signed<T: TryFrom<i64>>(&mut self) -> Result<T> {
        let v = self.int()?;
        T::try_from(v).map_err(|_| ImageError(format!("{v} is out of range")))
    }

    /// A length, at most the bytes left (every item the model stores takes
    /// at least one), so corrupt data cannot ask for a huge allocation.
    fn len(&mut self) -> Result<usize> {
        let n = self.uint()?;
        match usize::try_from(n) {
            Ok(n) if n <= self.input.len() - self.pos => Ok(n),
            _ => Err(ImageError(format!("a length of {n} runs past the end"))),
        }
    }

    /// The next string of the text section; slicing only checks that both
    /// ends fall on character boundaries.
    fn str(&mut self) -> Result<&'de str> {
        let n = self.uint()?;
        let text: &'de str = self.text;
        let s = usize::try_from(n)
            .ok()
            .and_then(|n| self.tpos.checked_add(n))
            .and_then(|end| text.get(self.tpos..end))
            .ok_or_else(|| ImageError(format!("a string of {n} bytes runs past the text")))?;
        self.tpos += s.len();
        Ok(s)
    }
}

macro_rules! read_int {
    ($($method:ident $visit:ident $read:ident;)+) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            self.note(|| stringify!($method).to_string());
            visitor.$visit(self.$read()?)
        }
    )+};
}

impl<'de, Tr: Tracer> Deserializer<'de> for &mut Reader<'de, Tr> {
    type Error = ImageError;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        unsupported("a value of a type it does not know (deserialize_any)")
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "bool".to_string());
        match self.byte()? {
            0 => visitor.visit_bool(false),
            1 => visitor.visit_bool(true),
            b => Err(ImageError(format!("{b} is not a boolean"))),
        }
    }

    read_int! {
        deserialize_i8 visit_i8 narrow_signed;
        deserialize_i16 visit_i16 narrow_signed;
        deserialize_i32 visit_i32 narrow_signed;
        deserialize_i64 visit_i64 int;
        deserialize_u8 visit_u8 narrow;
        deserialize_u16 visit_u16 narrow;
        deserialize_u32 visit_u32 narrow;
        deserialize_u64 visit_u64 uint;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "f32".to_string());
        let b = self.take(4)?;
        let mut a = [0; 4];
        a.copy_from_slice(b);
        visitor.visit_f32(f32::from_le_bytes(a))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "f64".to_string());
        let b = self.take(8)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        visitor.visit_f64(f64::from_le_bytes(a))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "char".to_string());
        let v: u32 = self.narrow()?;
        let c = char::from_u32(v).ok_or_else(|| ImageError(format!("{v} is not a character")))?;
        visitor.visit_char(c)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "str".to_string());
        visitor.visit_borrowed_str(self.str()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "str".to_string());
        visitor.visit_borrowed_str(self.str()?)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "bytes".to_string());
        let n = self.len()?;
        visitor.visit_borrowed_bytes(self.take(n)?)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "option".to_string());
        match self.byte()? {
            0 => visitor.visit_none(),
            1 => {
                self.push(|| "?".to_string());
                let v = visitor.visit_some(&mut *self);
                self.pop();
                v
            }
            b => Err(ImageError(format!("{b} is not an option's tag"))),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "unit".to_string());
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.note(|| format!("unit struct {name}"));
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.note(|| format!("newtype {name}"));
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "seq".to_string());
        let left = self.len()?;
        self.push(|| "[]".to_string());
        let v = visitor.visit_seq(Items {
            r: &mut *self,
            left,
            index: None,
        });
        self.pop();
        v
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        self.note(|| format!("tuple {len}"));
        visitor.visit_seq(Items {
            r: self,
            left: len,
            index: Some(0),
        })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.note(|| format!("tuple struct {name} {len}"));
        visitor.visit_seq(Items {
            r: self,
            left: len,
            index: Some(0),
        })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note(|| "map".to_string());
        let left = self.len()?;
        self.push(|| "{}".to_string());
        let v = visitor.visit_map(Pairs {
            r: &mut *self,
            left,
        });
        self.pop();
        v
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.note(|| format!("struct {name} {{{}}}", fields.join(", ")));
        let bitmap = self.take(fields.len().div_ceil(8))?;
        // Bits past the last field: written by a model with more fields.
        if let Some(&last) = bitmap.last()
            && !fields.len().is_multiple_of(8)
            && last >> (fields.len() % 8) != 0
        {
            return Err(ImageError(format!(
                "the image of a {name} has more fields than {}",
                fields.len()
            )));
        }
        self.push(|| format!("{name}."));
        // As a sequence: derived code reads the fields in order, no key
        // matching; an absent one is `None`, which it reads as the field's
        // `#[serde(default)]` (and refuses, for a field without one).
        let v = visitor.visit_seq(Fields {
            r: &mut *self,
            fields,
            bitmap,
            next: 0,
        });
        self.pop();
        v
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.note(|| format!("enum {name} {{{}}}", variants.join(", ")));
        let index: u32 = self.narrow()?;
        if index as usize >= variants.len() {
            return Err(ImageError(format!("{index} is not a variant of {name}")));
        }
        self.push(|| format!("{name}::"));
        let v = visitor.visit_enum(Variant {
            r: &mut *self,
            index,
        });
        self.pop();
        v
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        unsupported("an identifier by name")
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        unsupported("a value to skip (an unknown field)")
    }
}

/// A sequence's or a tuple's elements.
struct Items<'a, 'de, Tr> {
    r: &'a mut Reader<'de, Tr>,
    left: usize,
    /// The next element's position in a tuple (traced as `.0`, `.1`, …).
    index: Option<usize>,
}

impl<'de, Tr: Tracer> SeqAccess<'de> for Items<'_, 'de, Tr> {
    type Error = ImageError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        if let Some(i) = self.index.as_mut() {
            let at = *i;
            *i += 1;
            self.r.push(|| format!(".{at}"));
            let v = seed.deserialize(&mut *self.r);
            self.r.pop();
            return v.map(Some);
        }
        seed.deserialize(&mut *self.r).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// A map's entries.
struct Pairs<'a, 'de, Tr> {
    r: &'a mut Reader<'de, Tr>,
    left: usize,
}

impl<'de, Tr: Tracer> MapAccess<'de> for Pairs<'_, 'de, Tr> {
    type Error = ImageError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.r).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.r)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// A struct's fields in declaration order, `None` for each absent one.
struct Fields<'a, 'de, Tr> {
    r: &'a mut Reader<'de, Tr>,
    fields: &'static [&'static str],
    bitmap: &'de [u8],
    next: usize,
}

impl<'de, Tr: Tracer> SeqAccess<'de> for Fields<'_, 'de, Tr> {
    type Error = ImageError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let i = self.next;
        let Some(&name) = self.fields.get(i) else {
            return Ok(None);
        };
        self.next += 1;
        let present = self
            .bitmap
            .get(i / 8)
            .is_some_and(|byte| byte >> (i % 8) & 1 == 1);
        if !present {
            return Ok(None);
        }
        self.r.push(|| name.to_string());
        let v = seed.deserialize(&mut *self.r);
        self.r.pop();
        v.map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len() - self.next)
    }
}

/// An enumeration's variant, by index.
struct Variant<'a, 'de, Tr> {
    r: &'a mut Reader<'de, Tr>,
    index: u32,
}

impl<'a, 'de, Tr: Tracer> EnumAccess<'de> for Variant<'a, 'de, Tr> {
    type Error = ImageError;
    type Variant = &'a mut Reader<'de, Tr>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant)> {
        let v = seed.deserialize(IntoDeserializer::<ImageError>::into_deserializer(
            self.index,
        ))?;
        Ok((v, self.r))
    }
}

impl<'de, Tr: Tracer> VariantAccess<'de> for &mut Reader<'de, Tr> {
    type Error = ImageError;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_struct(self, "variant", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Application> {
        vec![
            sample(),
            debrief_store::conformance::full_application("acme"),
            debrief_store::conformance::small_application("globex", "Globex"),
            debrief_store::conformance::settled_application("settled"),
            Application::new("bare", "", ""),
        ]
    }

    #[test]
    fn applications_round_trip_and_cut_images_are_refused() {
        for a in samples() {
            let image = encode(&a).expect("encode");
            assert_eq!(decode(&image).expect("decode"), a, "{}", a.id);
            for cut in 0..image.len().min(300) {
                assert!(decode(&image[..cut]).is_err(), "{}: cut at {cut}", a.id);
            }
            let mut longer = image.clone();
            longer.push(0);
            assert!(decode(&longer).is_err(), "{}: a byte too many", a.id);
        }
    }

    #[test]
    fn garbage_is_an_error_never_a_panic() {
        let image = encode(&sample()).expect("encode");
        // Every single-byte change either decodes to something or fails.
        for at in 0..image.len().min(2_000) {
            for b in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut bad = image.clone();
                bad[at] = b;
                let _ = decode(&bad);
            }
        }
        for bad in [
            &b""[..],
            b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
            b"\x00",
        ] {
            assert!(decode(bad).is_err());
        }
    }

    #[test]
    fn numbers_round_trip() {
        let values = [0, 1, -1, 63, 64, -64, 127, 128, 1 << 40, i64::MAX, i64::MIN];
        let mut w = Writer::new();
        for v in values {
            w.int(v);
        }
        w.uint(u64::MAX);
        let mut r = Reader {
            input: &w.out,
            pos: 0,
            text: &w.text,
            tpos: 0,
            trace: NoTrace,
        };
        for v in values {
            assert_eq!(r.int().expect("int"), v);
        }
        assert_eq!(r.uint().expect("uint"), u64::MAX);
        assert_eq!(r.pos, w.out.len());
        // An eleventh byte, or bits past the 64th, are refused.
        let mut r = Reader {
            input: &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
            pos: 0,
            text: "",
            tpos: 0,
            trace: NoTrace,
        };
        assert!(r.uint().is_err());
    }

    #[test]
    fn a_field_left_out_costs_one_bit_and_reads_back_as_its_default() {
        let mut a = Application::new("a", "Acme", "Analyst");
        let bare = encode(&a).expect("encode").len();
        a.archived = true;
        // The bit plus the boolean's byte.
        assert_eq!(encode(&a).expect("encode").len(), bare + 1);
        a.archived = false;
        a.posting_url = Some("https://x.example".to_string());
        let image = encode(&a).expect("encode");
        assert_eq!(decode(&image).expect("decode"), a);
    }

    /// The layout covers every field of every struct: the sample sets each
    /// one somewhere, so a field's type is part of the format. A field
    /// added to the model must be set in `conformance::full_application`
    /// (or in `sample`) too.
    #[test]
    fn the_sample_sets_every_field_so_the_layout_sees_its_type() {
        let layout = layout().expect("layout");
        let mut missing = Vec::new();
        for line in &layout {
            let Some((_, rest)) = line.split_once(": struct ") else {
                continue;
            };
            let Some((name, fields)) = rest.split_once(" {") else {
                continue;
            };
            for field in fields.trim_end_matches('}').split(", ") {
                let prefix = format!("{name}.{field}: ");
                if !layout.iter().any(|l| l.contains(&prefix)) {
                    missing.push(format!("{name}.{field}"));
                }
            }
        }
        assert!(missing.is_empty(), "never set in the sample: {missing:?}");
        assert!(
            layout.iter().any(|l| l.contains("Interview.start: bytes")),
            "a Moment is its three numbers, packed: {layout:#?}"
        );
        assert!(
            layout
                .iter()
                .any(|l| l.contains("enum Stage {applied, screening")),
            "{layout:#?}"
        );
    }

    /// Bits are matched to fields by position: a field the writer never
    /// visits (`skip_serializing` without `skip_deserializing`) would shift
    /// every later one. The sample sets every field, so each is written,
    /// and the JSON (the same `Serialize`) names it.
    #[test]
    fn every_field_the_reader_expects_is_written() {
        let json = serde_json::to_string(&sample()).expect("json");
        let mut missing = Vec::new();
        for line in layout().expect("layout") {
            let Some((_, rest)) = line.split_once(": struct ") else {
                continue;
            };
            let Some((name, fields)) = rest.split_once(" {") else {
                continue;
            };
            for field in fields.trim_end_matches('}').split(", ") {
                if !json.contains(&format!("\"{field}\":")) {
                    missing.push(format!("{name}.{field}"));
                }
            }
        }
        assert!(missing.is_empty(), "never written: {missing:?}");
    }

    #[test]
    fn the_format_follows_the_layout() {
        assert_eq!(format(), format());
        assert!(format() > 0);
        assert!(layout().expect("layout").len() > 50);
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(untagged)]
    enum Untagged {
        A(u32),
        B(String),
    }

    #[test]
    fn self_describing_types_are_refused_not_misread() {
        let mut w = Writer::new();
        Untagged::A(7).serialize(&mut w).expect("encode");
        let mut r = Reader {
            input: &w.out,
            pos: 0,
            text: &w.text,
            tpos: 0,
            trace: NoTrace,
        };
        let e = Untagged::deserialize(&mut r).expect_err("untagged needs deserialize_any");
        assert!(e.0.contains("not self-describing"), "{e}");
    }
}

/// Any application the model can hold, by property: what it writes reads
/// back equal, and what it reads from a damaged image is an error or an
/// application, never a panic.
#[cfg(test)]
mod properties {
    use debrief_core::model::{
        Channel, Dismissal, Feedback, FeedbackKind, Interview, InterviewFormat, InterviewStatus,
        InviteRef, LearningPlan, Moment, News, Outcome, OutcomeKind, Person, PersonKind, Policy,
        Prefers, Prepared, RecruiterKind, Reflection, ResearchFact, SlipUp, Stage, Touch,
        TouchKind,
    };
    use debrief_core::rules::Rule;
    use jiff::Timestamp;
    use jiff::civil::Date;
    use jiff::tz::Offset;
    use proptest::collection::vec;
    use proptest::option::of;
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;

    fn text() -> impl Strategy<Value = String> {
        "\\PC{0,12}"
    }

    fn moment() -> impl Strategy<Value = Moment> {
        (
            -377_705_116_800_i64..=253_402_207_200,
            0..1_000_000_000_i32,
            // Whole minutes: what RFC 3339 (the body) can write.
            -1_559..=1_559_i32,
        )
            .prop_map(|(s, ns, minutes)| {
                let ts = Timestamp::new(s, if s == 253_402_207_200 { 0 } else { ns })
                    .unwrap_or(Timestamp::UNIX_EPOCH);
                let offset = Offset::from_seconds(minutes * 60).unwrap_or(Offset::UTC);
                Moment::new(ts, offset)
            })
    }

    fn date() -> impl Strategy<Value = Date> {
        (-9999_i16..=9999, 1_i8..=12, 1_i8..=28)
            .prop_map(|(y, m, d)| Date::new(y, m, d).unwrap_or(Date::ZERO))
    }

    fn person() -> impl Strategy<Value = Person> {
        (
            (text(), text(), select(PersonKind::ALL)),
            (of(text()), of(text()), of(text()), of(text())),
            vec(text(), 0..3),
            of((of(select(Channel::ALL)), of(date()))),
        )
            .prop_map(
                |((id, name, kind), (title, email, phone, address), said, prefers)| {
                    let mut p = Person::new(id, name, kind);
                    p.title = title;
                    p.email = email;
                    p.phone = phone;
                    p.mailing_address = address;
                    p.said = said;
                    p.prefers = prefers.map(|(channel, after)| Prefers { channel, after });
                    p
                },
            )
    }

    fn interview() -> impl Strategy<Value = Interview> {
        (
            (text(), moment(), any::<u32>(), select(InterviewFormat::ALL)),
            (
                select(InterviewStatus::ALL),
                vec(text(), 0..3),
                vec(text(), 0..2),
            ),
            (
                of(any::<bool>()),
                any::<bool>(),
                any::<bool>(),
                any::<u32>(),
            ),
            vec((text(), any::<bool>(), any::<bool>()), 0..2),
            of((
                text(),
                text(),
                vec(text(), 0..2),
                vec(text(), 0..2),
                of(text()),
            )),
            (
                of(moment()),
                of(text()),
                of(text()),
                of((text(), any::<u32>())),
            ),
        )
            .prop_map(
                |(
                    (id, start, minutes, format),
                    (status, interviewers, also_met),
                    (asked, disrupted, research, questions),
                    slips,
                    reflection,
                    (scheduled_at, location, link, invite),
                )| {
                    let mut i = Interview::new(id, start);
                    i.minutes = minutes;
                    i.format = format;
                    i.status = status;
                    i.interviewers = interviewers.into_iter().map(Into::into).collect();
                    i.also_met = also_met.into_iter().map(Into::into).collect();
                    i.asked_questions = asked;
                    i.disrupted = disrupted;
                    i.prepared = Prepared {
                        research,
                        questions,
                    };
                    i.slip_ups = slips
                        .into_iter()
                        .map(|(text, noticed, apologized)| SlipUp {
                            text,
                            noticed,
                            apologized,
                        })
                        .collect();
                    i.reflection =
                        reflection.map(|(went_well, change, mistakes, missing, hq)| Reflection {
                            went_well,
                            change,
                            mistakes,
                            missing_info: missing,
                            hardest_question: hq,
                        });
                    i.scheduled_at = scheduled_at;
                    i.location = location;
                    i.link = link;
                    i.invite = invite.map(|(uid, sequence)| InviteRef { uid, sequence });
                    i
                },
            )
    }

    fn touch() -> impl Strategy<Value = Touch> {
        (
            (
                moment(),
                of(text()),
                select(Channel::ALL),
                select(TouchKind::ALL),
            ),
            (of(moment()), any::<bool>(), of(text()), of(text())),
        )
            .prop_map(
                |((at, person, channel, kind), (replied_at, forced, note, message_id))| Touch {
                    at,
                    person: person.map(Into::into),
                    channel,
                    kind,
                    replied_at,
                    forced,
                    note,
                    message_id,
                },
            )
    }

    fn outcome() -> impl Strategy<Value = Outcome> {
        (
            (select(OutcomeKind::ALL), date(), any::<bool>(), of(text())),
            vec(
                (
                    text(),
                    of(select(FeedbackKind::ALL)),
                    any::<bool>(),
                    of((text(), date())),
                ),
                0..3,
            ),
        )
            .prop_map(
                |((kind, on, stay_in_touch, message_id), feedback)| Outcome {
                    kind,
                    on,
                    feedback: feedback
                        .into_iter()
                        .map(|(text, kind, positive, plan)| Feedback {
                            text,
                            kind,
                            positive,
                            plan: plan.map(|(step, by)| LearningPlan { step, by }),
                        })
                        .collect(),
                    stay_in_touch,
                    message_id,
                },
            )
    }

    fn application() -> impl Strategy<Value = Application> {
        (
            (text(), text(), text(), select(Stage::ALL), any::<bool>()),
            (select(RecruiterKind::ALL), of(select(Policy::ALL))),
            (
                vec(person(), 0..3),
                vec(interview(), 0..3),
                vec(touch(), 0..4),
            ),
            (vec((date(), text()), 0..2), of(outcome())),
            vec((text(), of(text())), 0..2),
            vec(
                (select(Rule::ALL), of(text()), of(text()), moment(), text()),
                0..2,
            ),
            (of(text()), of(text()), of(text()), of(date()), of(text())),
            any::<bool>(),
        )
            .prop_map(
                |(
                    (id, company, role, stage, urgent),
                    (recruiter, policy),
                    (people, interviews, touches),
                    (news, outcome),
                    research,
                    dismissed,
                    (posting_url, location, salary, applied_on, source),
                    archived,
                )| {
                    let mut a = Application::new(id, company, role);
                    a.stage = stage;
                    a.urgent = urgent;
                    a.recruiter = recruiter;
                    a.policy = policy;
                    a.people = people;
                    a.interviews = interviews;
                    a.touches = touches;
                    a.news = news
                        .into_iter()
                        .map(|(on, text)| News { on, text })
                        .collect();
                    a.outcome = outcome;
                    a.research = research
                        .into_iter()
                        .map(|(fact, contribution)| ResearchFact { fact, contribution })
                        .collect();
                    a.dismissed = dismissed
                        .into_iter()
                        .map(|(rule, interview, person, at, reason)| Dismissal {
                            rule,
                            interview: interview.map(Into::into),
                            person: person.map(Into::into),
                            at,
                            reason,
                        })
                        .collect();
                    a.posting_url = posting_url;
                    a.location = location;
                    a.salary = salary;
                    a.applied_on = applied_on;
                    a.source = source;
                    a.archived = archived;
                    a
                },
            )
    }

    proptest! {
        #[test]
        fn any_application_round_trips(a in application()) {
            let image = encode(&a).map_err(|e| TestCaseError::fail(e.0))?;
            prop_assert_eq!(decode(&image).map_err(|e| TestCaseError::fail(e.0))?, a.clone());
            // The body is the other way in: it agrees.
            let json = serde_json::to_string(&a).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let from_json: Application =
                serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(from_json, a);
        }

        #[test]
        fn a_damaged_image_is_an_error_or_an_application(
            a in application(),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut image = encode(&a).map_err(|e| TestCaseError::fail(e.0))?;
            let i = at.index(image.len());
            image[i] = byte;
            let _ = decode(&image);
            let _ = decode(&image[..cut.index(image.len())]);
        }
    }
}
