//! Documents as a tape: the value tree each document's canonical JSON describes, flattened into
//! typed arrays, so a host that builds its own objects (the JavaScript front) gets the same values
//! without JSON text being written, carried across and parsed again.
//!
//! The tape is written by a serde serializer from the same `Serialize` implementations that write
//! the canonical JSON, and it keeps serde_json's choices (a non-finite float is `null`; an
//! `arbitrary_precision` number is the number its text reads as), so a host that builds values
//! from it gets exactly what parsing the canonical JSON gives: `JSON.stringify` of a decoded
//! document is the canonical line, byte for byte (checked by the shared JavaScript suite).

use crate::batch::distinct::{self, RowIndex};
use serde::ser::{self, Serialize};
use std::fmt;

/// serde_json's private struct names: a number kept as text, and raw JSON text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// The tag of a node (its low three bits); the rest of the node is its payload.
const NULL: u32 = 0;
const FALSE: u32 = 1;
const TRUE: u32 = 2;
/// The next of [`Tape::numbers`].
const NUMBER: u32 = 3;
/// Interned string number `payload` (see [`Tape::strings`]).
const STRING: u32 = 4;
/// An array of `payload` values, which follow.
const ARRAY: u32 = 5;
/// An object of `payload` entries, which follow: each a [`STRING`] node (the key), then a value.
const OBJECT: u32 = 6;
/// A payload fits in the 29 bits above the tag.
const MAX_PAYLOAD: usize = (1 << 29) - 1;

/// Documents as a tape (see the module's description): nodes depth first, one `u32` each, the
/// low three bits a tag and the rest a payload.
///
/// | tag | node | payload |
/// |---|---|---|
/// | 0, 1, 2 | `null`, `false`, `true` | — |
/// | 3 | a number: the next of `numbers` | — |
/// | 4 | text: interned string `payload` | index |
/// | 5 | an array; its `payload` values follow | length |
/// | 6 | an object; its `payload` entries follow, each a tag-4 key then a value | entries |
///
/// Every text and key is interned, once per chunk of documents the batch's threads wrote (a text
/// two chunks both hold is stored twice): string `i` is `strings` from UTF-16 offset
/// `string_ends[i - 1]` (0 for the first) to `string_ends[i]`. Scorecards repeat most of their
/// texts (names, methods, weights, band scores: all but ~13 of ~186 per card on the bench workload), so a
/// JavaScript host makes each distinct string once, by slicing, and shares it. Payloads are
/// below 2²⁹; a document that needs more is refused (no scorecard comes near it).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Tape {
    /// The nodes of every document, one document after another.
    pub nodes: Vec<u32>,
    /// The numbers, in the order their nodes come.
    pub numbers: Vec<f64>,
    /// The interned strings, one after another.
    pub strings: String,
    /// The end of each interned string in `strings`, in UTF-16 code units.
    pub string_ends: Vec<u32>,
    /// How many documents the tape holds.
    pub documents: usize,
}

/// Writes documents onto a tape, interning texts and keys as it goes.
pub(crate) struct TapeWriter {
    tape: Tape,
    /// Interned strings by content: the batch engine's index of distinct texts, whose fixed
    /// hash and probe budget keep texts made to collide from making a batch quadratic.
    interned: RowIndex,
    /// The last string seen in each of [`RECENT`] slots by hash.
    recent: Vec<Entry>,
    /// Each interned string's byte range in `tape.strings`.
    spans: Vec<(usize, usize)>,
    /// UTF-16 length of `tape.strings` so far.
    units: u32,
    /// Recently interned `&'static` keys by address: struct field names are interned once and
    /// then found without hashing their text.
    keys: [(usize, usize, u32); KEY_SLOTS],
    failed: bool,
}

const KEY_SLOTS: usize = 256;

impl TapeWriter {
    pub(crate) fn new() -> Self {
        TapeWriter {
            tape: Tape::default(),
            interned: RowIndex::default(),
            recent: vec![Entry::new(0, EMPTY, ""); RECENT],
            spans: Vec::new(),
            units: 0,
            keys: [(0, 0, 0); KEY_SLOTS],
            failed: false,
        }
    }

    /// Append one document. A value the tape cannot hold (raw JSON text, a payload past 2²⁹)
    /// leaves the tape as it was and marks it failed.
    pub(crate) fn push<T: Serialize>(&mut self, value: &T) {
        if self.failed {
            return;
        }
        let marks = (self.tape.nodes.len(), self.tape.numbers.len());
        if value.serialize(&mut *self).is_err() {
            self.tape.nodes.truncate(marks.0);
            self.tape.numbers.truncate(marks.1);
            self.failed = true;
            return;
        }
        self.tape.documents = self.tape.documents.saturating_add(1);
    }

    /// Append `other`'s documents after these, its strings after these strings. A text both
    /// tapes hold is then stored twice: finding each of `other`'s strings among these was one
    /// probe of a large index per string, most of them cache misses, on one thread after the
    /// batch's threads had finished (2 µs of every scorecard's 17 in `score_many`), where a text
    /// two chunks share costs a slice of the string buffer more in the host.
    pub(crate) fn append(&mut self, other: TapeWriter) {
        if other.failed {
            self.failed = true;
        }
        if self.failed {
            return;
        }
        if self.tape.nodes.is_empty() && self.spans.is_empty() {
            *self = other;
            return;
        }
        let base = self.spans.len();
        // Every string's number stays a payload, and every end a `u32`.
        let fits = base
            .checked_add(other.spans.len())
            .is_some_and(|n| n <= MAX_PAYLOAD.saturating_add(1));
        let (Some(units), true) = (self.units.checked_add(other.units), fits) else {
            self.failed = true;
            return;
        };
        let offset = self.tape.strings.len();
        self.tape.strings.push_str(&other.tape.strings);
        self.spans.extend(
            other
                .spans
                .iter()
                .map(|&(a, b)| (a.saturating_add(offset), b.saturating_add(offset))),
        );
        // Each end is at most `other.units`, so no sum passes `units`.
        let before = self.units;
        self.tape.string_ends.extend(
            other
                .tape
                .string_ends
                .iter()
                .map(|&e| e.saturating_add(before)),
        );
        self.units = units;
        self.tape.nodes.reserve(other.tape.nodes.len());
        for &node in &other.tape.nodes {
            let node = match node & 7 {
                // A payload below `MAX_PAYLOAD + 1 − base` (checked above), so the shift keeps
                // every bit.
                STRING => u32::try_from(payload_of(node).saturating_add(base))
                    .map_or(node, |i| i << 3 | STRING),
                _ => node,
            };
            self.tape.nodes.push(node);
        }
        self.tape.numbers.extend_from_slice(&other.tape.numbers);
        self.tape.documents = self.tape.documents.saturating_add(other.tape.documents);
    }

    /// The tape, or `None` when a document could not be written.
    pub(crate) fn finish(self) -> Option<Tape> {
        (!self.failed).then_some(self.tape)
    }

    /// The index of `s` among the interned strings, adding it when new; an error past 2²⁹
    /// strings or 2³² UTF-16 units of them (offsets would no longer fit).
    fn intern(&mut self, s: &str) -> Result<u32, TapeError> {
        let hash = distinct::hash(s);
        let (strings, spans) = (&self.tape.strings, &self.spans);
        let long = |i: usize| {
            spans
                .get(i)
                .and_then(|&(a, b)| strings.get(a..b))
                .unwrap_or_default()
        };
        // Most texts are few and repeated (amounts, weights, names): a small cache that stays in
        // the processor's cache answers them without a probe into the whole index.
        let slot = (hash >> 40) as usize % RECENT;
        if let Some(e) = self
            .recent
            .get(slot)
            .filter(|e| e.index != EMPTY && e.hash == hash && e.holds(s, |i| long(i as usize)))
        {
            return Ok(e.index);
        }
        let next = self.spans.len();
        let i = match self.interned.holder_or_insert(hash, s, next, long) {
            // Every index in the index was given below, so it fits.
            Some(held) => u32::try_from(held).unwrap_or(EMPTY),
            None => self.add(s).inspect_err(|_| {
                self.interned.remove_newest(s, next);
            })?,
        };
        if let Some(r) = self.recent.get_mut(slot) {
            *r = Entry::new(hash, i, s);
        }
        Ok(i)
    }

    /// Append `s` as the next interned string; an error past 2²⁹ strings or 2³² UTF-16 units
    /// of them (offsets would no longer fit).
    fn add(&mut self, s: &str) -> Result<u32, TapeError> {
        let i = u32::try_from(self.spans.len())
            .ok()
            .filter(|&i| i as usize <= MAX_PAYLOAD)
            .ok_or_else(|| TapeError("more than 2^29 distinct texts".into()))?;
        let units = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        let units = u32::try_from(units)
            .ok()
            .and_then(|u| self.units.checked_add(u))
            .ok_or_else(|| TapeError("more than 2^32 UTF-16 units of text".into()))?;
        let start = self.tape.strings.len();
        self.tape.strings.push_str(s);
        self.spans.push((start, self.tape.strings.len()));
        self.units = units;
        self.tape.string_ends.push(units);
        Ok(i)
    }

    /// A struct field's name: interned once, then found by its address.
    fn key(&mut self, key: &'static str) -> Result<(), TapeError> {
        let addr = key.as_ptr() as usize;
        let slot = (addr >> 3 ^ key.len()) % KEY_SLOTS;
        let i = match self.keys.get(slot) {
            Some(&(a, n, i)) if a == addr && n == key.len() => i,
            _ => {
                let i = self.intern(key)?;
                if let Some(k) = self.keys.get_mut(slot) {
                    *k = (addr, key.len(), i);
                }
                i
            }
        };
        self.node(STRING, i as usize)
    }

    fn node(&mut self, tag: u32, payload: usize) -> Result<(), TapeError> {
        if payload > MAX_PAYLOAD {
            return Err(TapeError("a tape payload past 2^29".into()));
        }
        // Below 2²⁹, so the shift keeps every bit.
        let p = u32::try_from(payload).unwrap_or_default();
        self.tape.nodes.push(p << 3 | tag);
        Ok(())
    }

    fn number(&mut self, v: f64) -> Result<(), TapeError> {
        self.tape.numbers.push(v);
        self.node(NUMBER, 0)
    }

    fn text(&mut self, s: &str) -> Result<(), TapeError> {
        let i = self.intern(s)?;
        self.node(STRING, i as usize)
    }

    /// A container's node, its length filled in when it ends (fields may be skipped).
    fn open(&mut self, tag: u32) -> Compound<'_> {
        let at = self.tape.nodes.len();
        self.tape.nodes.push(tag);
        Compound {
            w: self,
            at,
            count: 0,
            number: false,
        }
    }

    /// `{variant: …}`: serde_json's form of a newtype, tuple or struct variant.
    fn variant(&mut self, variant: &'static str) -> Result<(), TapeError> {
        self.node(OBJECT, 1)?;
        self.key(variant)
    }
}

/// An interned string in the cache of recent ones: its hash, its index and, for a short
/// one (most are: amounts, weights, method names), its bytes, so finding it reads nothing else.
#[derive(Clone, Copy)]
struct Entry {
    hash: u64,
    index: u32,
    /// The length of an inline string, or [`LONG`].
    len: u8,
    bytes: [u8; INLINE],
}

const INLINE: usize = 11;
/// The index of an empty slot of the cache.
const EMPTY: u32 = u32::MAX;
/// Slots of the cache of recent strings (24 KB: it stays in the first-level cache).
const RECENT: usize = 1024;
const LONG: u8 = u8::MAX;

impl Entry {
    fn new(hash: u64, index: u32, s: &str) -> Entry {
        let mut bytes = [0; INLINE];
        let len = match bytes.get_mut(..s.len()) {
            Some(b) => {
                b.copy_from_slice(s.as_bytes());
                u8::try_from(s.len()).unwrap_or(LONG)
            }
            None => LONG,
        };
        Entry {
            hash,
            index,
            len,
            bytes,
        }
    }

    /// Whether this entry is `s` (`long` gives a long string's text by index).
    fn holds<'s>(&self, s: &str, long: impl Fn(u32) -> &'s str) -> bool {
        if s.len() <= INLINE {
            usize::from(self.len) == s.len() && self.bytes.get(..s.len()) == Some(s.as_bytes())
        } else {
            self.len == LONG && long(self.index) == s
        }
    }
}

fn payload_of(node: u32) -> usize {
    (node >> 3) as usize
}

/// Why a document could not go on the tape.
#[derive(Debug)]
pub(crate) struct TapeError(String);

impl fmt::Display for TapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TapeError {}

impl ser::Error for TapeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TapeError(msg.to_string())
    }
}

/// An array or object being written.
pub(crate) struct Compound<'a> {
    w: &'a mut TapeWriter,
    /// Index of its node.
    at: usize,
    count: usize,
    /// Whether it is serde_json's number-as-text struct, which writes a number node only.
    number: bool,
}

impl Compound<'_> {
    fn close(self, tag: u32) -> Result<(), TapeError> {
        if self.count > MAX_PAYLOAD {
            return Err(TapeError("a tape payload past 2^29".into()));
        }
        let n = u32::try_from(self.count).unwrap_or_default();
        if let Some(node) = self.w.tape.nodes.get_mut(self.at) {
            *node = n << 3 | tag;
        }
        Ok(())
    }

    fn item<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), TapeError> {
        self.count = self.count.saturating_add(1);
        value.serialize(&mut *self.w)
    }

    fn field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TapeError> {
        self.count = self.count.saturating_add(1);
        self.w.key(key)?;
        value.serialize(&mut *self.w)
    }
}

/// serde's ten integer methods of a serializer, each `|serializer, value| body` (the body's
/// type is the method's result).
macro_rules! integers {
    (|$w:ident, $v:ident| $body:expr; $($method:ident: $t:ty),*) => {$(
        #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
        fn $method(self, $v: $t) -> Result<Self::Ok, TapeError> {
            let $w = self;
            $body
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut TapeWriter {
    type Ok = ();
    type Error = TapeError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), TapeError> {
        self.node(if v { TRUE } else { FALSE }, 0)
    }
    // Integers past 2⁵³ round to the nearest float, ties to even: what parsing their digits does.
    integers!(
        |w, v| w.number(v as f64);
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    );
    fn serialize_f32(self, v: f32) -> Result<(), TapeError> {
        // serde_json writes an f32's shortest digits, which a reader parses as an f64.
        if v.is_finite() {
            self.number(v.to_string().parse::<f64>().unwrap_or(f64::from(v)))
        } else {
            self.node(NULL, 0)
        }
    }
    fn serialize_f64(self, v: f64) -> Result<(), TapeError> {
        // serde_json writes a non-finite float as null.
        if v.is_finite() {
            self.number(v)
        } else {
            self.node(NULL, 0)
        }
    }
    fn serialize_char(self, v: char) -> Result<(), TapeError> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), TapeError> {
        self.text(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), TapeError> {
        self.node(ARRAY, v.len())?;
        v.iter().try_for_each(|&b| self.number(f64::from(b)))
    }
    fn serialize_none(self) -> Result<(), TapeError> {
        self.node(NULL, 0)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), TapeError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), TapeError> {
        self.node(NULL, 0)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), TapeError> {
        self.node(NULL, 0)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), TapeError> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), TapeError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), TapeError> {
        self.variant(variant)?;
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TapeError> {
        self.variant(variant)?;
        Ok(self.open(ARRAY))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, TapeError> {
        Ok(self.open(OBJECT))
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'a>, TapeError> {
        match name {
            NUMBER_TOKEN => Ok(Compound {
                at: self.tape.nodes.len(),
                w: self,
                count: 0,
                number: true,
            }),
            RAW_TOKEN => Err(TapeError("raw JSON text has no tape form".into())),
            _ => Ok(self.open(OBJECT)),
        }
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TapeError> {
        self.variant(variant)?;
        Ok(self.open(OBJECT))
    }
}

/// serde's four array-like forms: each element a value, the whole an array.
macro_rules! array_like {
    ($($form:ident::$element:ident),*) => {$(
        impl ser::$form for Compound<'_> {
            type Ok = ();
            type Error = TapeError;
            fn $element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), TapeError> {
                self.item(value)
            }
            fn end(self) -> Result<(), TapeError> {
                self.close(ARRAY)
            }
        }
    )*};
}

array_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), TapeError> {
        self.count = self.count.saturating_add(1);
        let text = key.serialize(MapKey)?;
        self.w.text(&text)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), TapeError> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), TapeError> {
        self.close(OBJECT)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TapeError> {
        if self.number {
            // An `arbitrary_precision` number: its text, read as a reader of the JSON would.
            let text = value.serialize(MapKey)?;
            return self
                .w
                .number(text.parse::<f64>().map_err(ser::Error::custom)?);
        }
        self.field(key, value)
    }
    fn end(self) -> Result<(), TapeError> {
        if self.number {
            // The number's struct wrote its number node and nothing else.
            return Ok(());
        }
        self.close(OBJECT)
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TapeError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), TapeError> {
        self.close(OBJECT)
    }
}

/// An object key as serde_json writes it: text as it is, integers by their digits.
struct MapKey;

impl ser::Serializer for MapKey {
    type Ok = String;
    type Error = TapeError;
    type SerializeSeq = ser::Impossible<String, TapeError>;
    type SerializeTuple = ser::Impossible<String, TapeError>;
    type SerializeTupleStruct = ser::Impossible<String, TapeError>;
    type SerializeTupleVariant = ser::Impossible<String, TapeError>;
    type SerializeMap = ser::Impossible<String, TapeError>;
    type SerializeStruct = ser::Impossible<String, TapeError>;
    type SerializeStructVariant = ser::Impossible<String, TapeError>;

    fn serialize_str(self, v: &str) -> Result<String, TapeError> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, TapeError> {
        Ok(v.to_string())
    }
    // By their digits, as serde_json writes an integer key.
    integers!(
        |_k, v| Ok(v.to_string());
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128
    );
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, TapeError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, TapeError> {
        value.serialize(self)
    }
    fn serialize_bool(self, _v: bool) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_f32(self, _v: f32) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_none(self) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _value: &T) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_unit(self) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, TapeError> {
        Err(unsupported())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, TapeError> {
        Err(unsupported())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, TapeError> {
        Err(unsupported())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, TapeError> {
        Err(unsupported())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, TapeError> {
        Err(unsupported())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, TapeError> {
        Err(unsupported())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, TapeError> {
        Err(unsupported())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, TapeError> {
        Err(unsupported())
    }
}

fn unsupported() -> TapeError {
    TapeError("an object key that is not text or a whole number".into())
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;
    use serde_json::{Map, Value};

    /// The documents of a tape as JSON values: what a host builds from it.
    pub(crate) fn decode(t: &Tape) -> Vec<Value> {
        let units: Vec<u16> = t.strings.encode_utf16().collect();
        let mut start = 0usize;
        let table: Vec<String> = t
            .string_ends
            .iter()
            .map(|&end| {
                let s = String::from_utf16(&units[start..end as usize]).unwrap();
                start = end as usize;
                s
            })
            .collect();
        let (mut n, mut f) = (0usize, 0usize);
        fn value(t: &Tape, table: &[String], n: &mut usize, f: &mut usize) -> Value {
            let node = t.nodes[*n];
            *n += 1;
            let size = (node >> 3) as usize;
            match node & 7 {
                NULL => Value::Null,
                FALSE => Value::Bool(false),
                TRUE => Value::Bool(true),
                NUMBER => {
                    *f += 1;
                    serde_json::Number::from_f64(t.numbers[*f - 1])
                        .map_or(Value::Null, Value::Number)
                }
                STRING => Value::String(table[size].clone()),
                ARRAY => Value::Array((0..size).map(|_| value(t, table, n, f)).collect()),
                _ => {
                    let mut m = Map::new();
                    for _ in 0..size {
                        let key = table[(t.nodes[*n] >> 3) as usize].clone();
                        assert_eq!(
                            t.nodes[*n] & 7,
                            STRING,
                            "an object key is an interned string"
                        );
                        *n += 1;
                        m.insert(key, value(t, table, n, f));
                    }
                    Value::Object(m)
                }
            }
        }
        let mut docs = Vec::new();
        while n < t.nodes.len() {
            docs.push(value(t, &table, &mut n, &mut f));
        }
        assert_eq!(f, t.numbers.len(), "every number read");
        docs
    }

    /// Numbers as the f64 their text reads as (what a JSON reader in JavaScript holds).
    pub(crate) fn norm(v: Value) -> Value {
        match v {
            Value::Number(n) => {
                let f: f64 = n.to_string().parse().unwrap();
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            Value::Array(a) => Value::Array(a.into_iter().map(norm).collect()),
            Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, norm(v))).collect()),
            v => v,
        }
    }

    /// The documents of a tape against JSON lines: both as values, numbers as f64.
    pub(crate) fn decode_lines(t: &Tape) -> Vec<Value> {
        decode(t).into_iter().map(norm).collect()
    }

    pub(crate) fn parse_lines(lines: &str) -> Vec<Value> {
        lines
            .lines()
            .map(|l| norm(serde_json::from_str(l).unwrap()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::{decode, norm};
    use super::*;
    use serde_json::{json, Value};

    fn tape_of<T: Serialize>(docs: &[T]) -> Tape {
        let mut w = TapeWriter::new();
        docs.iter().for_each(|d| w.push(d));
        w.finish().unwrap()
    }

    #[test]
    fn a_small_document_is_laid_out_as_documented() {
        // Worked by hand from the layout table: keys and texts interned in order of first use
        // ("a" 0, "b" 1, "xy" 2, "名字" 3, "c" 4; "a" again is 0), numbers (arbitrary-precision
        // JSON numbers) in the numbers.
        let doc = json!({"a": 1, "b": [true, null, "xy", "名字"], "c": {"a": 2.5}});
        let t = tape_of(std::slice::from_ref(&doc));
        let node = |tag: u32, payload: u32| payload << 3 | tag;
        assert_eq!(
            t.nodes,
            vec![
                node(OBJECT, 3),
                node(STRING, 0),
                node(NUMBER, 0),
                node(STRING, 1),
                node(ARRAY, 4),
                node(TRUE, 0),
                node(NULL, 0),
                node(STRING, 2),
                node(STRING, 3),
                node(STRING, 4),
                node(OBJECT, 1),
                node(STRING, 0),
                node(NUMBER, 0),
            ]
        );
        assert_eq!(t.numbers, vec![1.0, 2.5]);
        assert_eq!(t.strings, "abxy名字c");
        // UTF-16 ends: "a" 1, "b" 2, "xy" 4, "名字" 6, "c" 7.
        assert_eq!(t.string_ends, vec![1, 2, 4, 6, 7]);
        assert_eq!(t.documents, 1);
        assert_eq!(decode(&t), vec![norm(doc)]);
    }

    #[test]
    fn numbers_read_as_a_json_reader_reads_their_text() {
        #[derive(serde::Serialize)]
        struct Numbers {
            big: u64,
            wide: i128,
            nan: f64,
            inf: f32,
            tenth: f32,
            text: Value,
        }
        let t = tape_of(&[Numbers {
            big: u64::MAX,
            wide: -(1i128 << 100),
            nan: f64::NAN,
            inf: f32::INFINITY,
            tenth: 0.1,
            text: serde_json::from_str("[1e400, -0, 0.1000000000000000000001]").unwrap(),
        }]);
        // serde_json writes 18446744073709551615, which reads as 2^64; a non-finite float as
        // null; an f32 by its shortest digits, "0.1", which reads as the f64 0.1 (not the f32's
        // value widened); number text as its nearest f64 (1e400 overflows to infinity, as
        // JavaScript's JSON.parse gives).
        assert_eq!(
            t.numbers,
            vec![
                18_446_744_073_709_551_616.0,
                -(2f64.powi(100)),
                0.1,
                f64::INFINITY,
                -0.0,
                0.1
            ]
        );
        assert!(t.numbers[4].is_sign_negative());
        assert_eq!(t.nodes.iter().filter(|&&n| n & 7 == NULL).count(), 2);
    }

    #[test]
    fn scorecards_decode_to_their_canonical_json_across_chunks() {
        // Every demo record scored, written to three tapes appended as the batch threads do,
        // decodes to the values of its canonical JSON line; interned strings are shared.
        let plan = crate::Plan::from_json(crate::templates::DEMO_PLAN_JSON).unwrap();
        let records = plan
            .records_from_csv(crate::templates::DEMO_TEAM_CSV)
            .unwrap();
        let cards: Vec<_> = records.iter().map(|r| plan.score(r).unwrap()).collect();
        assert!(cards.len() >= 3);
        let third = cards.len() / 3;
        let mut whole = TapeWriter::new();
        for part in [
            &cards[..third],
            &cards[third..2 * third],
            &cards[2 * third..],
        ] {
            let mut w = TapeWriter::new();
            part.iter().for_each(|c| w.push(c));
            whole.append(w);
        }
        let t = whole.finish().unwrap();
        assert_eq!(t.documents, cards.len());
        let expected: Vec<Value> = cards
            .iter()
            .map(|c| norm(serde_json::from_str(&c.to_canonical_json()).unwrap()))
            .collect();
        assert_eq!(decode(&t), expected);
        // Each distinct text once per chunk: every card names the first indicator, and the
        // chunks' strings follow one another, renumbered.
        assert_eq!(t.strings.matches(&*plan.indicators[0].name).count(), 3);
        assert_eq!(
            t.string_ends.len(),
            strings_of(&cards[..third])
                + strings_of(&cards[third..2 * third])
                + strings_of(&cards[2 * third..])
        );
    }

    /// How many strings one tape of `cards` interns.
    fn strings_of(cards: &[crate::Scorecard]) -> usize {
        let mut w = TapeWriter::new();
        cards.iter().for_each(|c| w.push(c));
        w.finish().unwrap().string_ends.len()
    }

    /// Texts keep the number of their first use, each stored once, before and after the
    /// interning index leaves hashing for its ordered map (as texts made to collide make it).
    #[test]
    fn texts_are_interned_once_whether_the_index_is_hashed_or_ordered() {
        let texts: Vec<String> = (0..3_000).map(|n| format!("客户-{n:05}")).collect();
        let mut w = TapeWriter::new();
        let mut numbers = Vec::new();
        for (k, t) in texts.iter().enumerate() {
            if k == 1_500 {
                w.interned.spend_budget();
            }
            // Each text new once, then again (from the cache of recent ones or the index)
            // along with one added long before (from the index).
            numbers.push(w.intern(t).unwrap());
            numbers.push(w.intern(t).unwrap());
            numbers.push(w.intern(&texts[k / 2]).unwrap());
        }
        assert!(w.interned.is_ordered());
        let expected: Vec<u32> = (0..3_000u32).flat_map(|k| [k, k, k / 2]).collect();
        assert_eq!(numbers, expected);
        assert_eq!(w.tape.strings, texts.concat());
    }

    #[test]
    fn raw_json_text_leaves_the_tape_unwritten() {
        let raw = serde_json::value::RawValue::from_string("{\"a\":1}".into()).unwrap();
        let mut w = TapeWriter::new();
        w.push(&json!({"fine": true}));
        w.push(&raw);
        assert!(w.finish().is_none());
    }
}

#[cfg(test)]
mod operation_tests {
    use super::tests_support::{decode_lines, parse_lines};

    #[test]
    fn run_tape_gives_the_documents_of_the_line_operations_and_refuses_the_rest() {
        let plan = crate::Plan::from_json(crate::templates::DEMO_PLAN_JSON).unwrap();
        let csv = serde_json::json!({ "text": crate::templates::DEMO_TEAM_CSV });
        let records = plan.run("records_from_csv", &csv.to_string()).unwrap();
        let request = format!("{{\"records\": {records}}}");
        let lines = plan.run("score_many", &request).unwrap();
        let tape = plan.run_tape("score_many", &request).unwrap();
        assert!(tape.documents > 3);
        assert_eq!(decode_lines(&tape), parse_lines(&lines));
        // The pay worked example's statements (tests/vectors/pay).
        let vector: serde_json::Value = serde_json::from_str(include_str!(
            "../../../tests/vectors/pay/pay-worked-example.json"
        ))
        .unwrap();
        let plan = crate::Plan::from_json(&vector["plan"].to_string()).unwrap();
        let pay = crate::PayPlan::from_json(&vector["pay_plan"].to_string(), &plan).unwrap();
        let request = serde_json::json!({ "records": vector["records"] }).to_string();
        let lines = pay.run(&plan, "statements", &request).unwrap();
        let tape = pay.run_tape(&plan, "statements", &request).unwrap();
        assert!(tape.documents > 0);
        assert_eq!(decode_lines(&tape), parse_lines(&lines));
        let refused = plan.run_tape("score", "{}").unwrap_err();
        assert_eq!(refused.problems()[0].kind, crate::kinds::NOT_ALLOWED);
        // A bad record fails as it does for JSON lines.
        let bad = r#"{"records": [{"id": "E1", "measures": {"revenue": "lots"}}]}"#;
        assert_eq!(
            plan.run_tape("score_many", bad)
                .unwrap_err()
                .to_canonical_json(),
            plan.run("score_many", bad).unwrap_err().to_canonical_json()
        );
    }
}

#[cfg(all(test, feature = "facts"))]
mod accumulator_tests {
    use super::tests_support::{decode_lines, parse_lines};
    use serde_json::json;

    #[test]
    fn an_accumulator_scores_onto_a_tape_as_into_lines() {
        // The orders-and-visits vector's facts, held by an accumulator.
        let vector: serde_json::Value = serde_json::from_str(include_str!(
            "../../../tests/vectors/facts/orders-visits.json"
        ))
        .unwrap();
        let plan = crate::Plan::from_json(&vector["plan"].to_string()).unwrap();
        let mut acc = crate::ops::Accumulator::new(std::sync::Arc::new(plan)).unwrap();
        let request = &vector["cases"][0]["request"];
        for source in ["orders", "visits"] {
            let add = json!({ "source": source, "facts": request["facts"][source] });
            acc.run("add", &add.to_string()).unwrap();
        }
        let score =
            json!({ "period": "2026-06", "as_of": "2026-06-12", "records": request["records"] });
        let lines = acc.run("score", &score.to_string()).unwrap();
        let tape = acc.run_tape("score", &score.to_string()).unwrap();
        assert!(tape.documents >= 2);
        assert_eq!(decode_lines(&tape), parse_lines(&lines));
        let refused = acc.run_tape("size", "{}").unwrap_err();
        assert_eq!(refused.problems()[0].kind, crate::kinds::NOT_ALLOWED);
    }
}
