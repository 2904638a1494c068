//! Python values → JSON values, mechanically: what a value means (a record, a weight, a plan)
//! is the core's to read (`perfscore::input`), so every host reads the same way.
//!
//! | Python | JSON |
//! |---|---|
//! | `None`, `pandas.NA`, `pandas.NaT` | `null` |
//! | `bool` | `true` / `false` |
//! | `str` | text; text with lone surrogates → marker `text that is not valid Unicode` |
//! | `int` (and numpy integers) | a number with exactly its digits |
//! | `float` | a number, its shortest round-trip text (`0.1` → `0.1`); NaN, ±inf → markers |
//! | numpy floats | a number, the shortest text in the value's own width (`float32(0.1)` → `0.1`) |
//! | `decimal.Decimal` | a number with exactly its text; NaN, ±Infinity → markers |
//! | `perfscore.NA` | `"na"` (a 360 answer that does not apply) |
//! | `perfscore.Plan` | its plan document |
//! | `dict` or any mapping (string keys) | an object |
//! | `list`, `tuple` | an array |
//! | pandas DataFrame / Series, numpy array | its rows / a list, NaN and NA as `null` |
//! | `datetime.date`, `datetime.datetime`, `pandas.Timestamp` | its ISO text (`2026-06-03`, `2026-06-03T14:22:00`) |
//! | anything else | a marker naming its type (`a datetime.time`) |
//!
//! Markers (`{"\u0000host": "NaN"}`) are the core's spelling of host values JSON cannot hold;
//! the core reports each at its place. The only errors raised here are about the shape of the
//! Python value itself: a key that is not a string, or nesting deeper than 128 levels (which is
//! also how a value that contains itself ends).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Decimals and type names

/// `decimal.Decimal`, looked up once per interpreter.
pub(crate) fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

/// A `decimal.Decimal` built from the exact text of `d` (its scale kept).
pub(crate) fn py_decimal<'py>(py: Python<'py>, d: Decimal) -> PyResult<Bound<'py, PyAny>> {
    decimal_class(py)?.call1((d.to_string(),))
}

pub(crate) fn is_decimal(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.is_instance(decimal_class(v.py())?)
}

/// Items as the Python list subclass `module.class` (`perfscore._pay.PayStatements`): the
/// binding's collections are lists with table helpers, written in Python.
pub(crate) fn list_of<'py, T>(
    py: Python<'py>,
    items: impl IntoIterator<Item = T>,
    module: &str,
    class: &str,
) -> PyResult<Bound<'py, PyAny>>
where
    T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>,
{
    let items = items.into_iter().map(|i| Py::new(py, i));
    let list = PyList::new(py, items.collect::<PyResult<Vec<_>>>()?)?;
    py.import(module)?.getattr(class)?.call1((list,))
}

/// `en` or `zh`, for explanations.
pub(crate) fn lang(lang: &str) -> PyResult<perfscore::Lang> {
    lang.parse().map_err(PyValueError::new_err)
}

/// The type's own name (`float32`), for messages.
pub(crate) fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map_or_else(|_| "object".to_string(), |n| n.to_string())
}

/// The type named for a marker: `a datetime.date`, `an object` (builtins without a module).
fn described(v: &Bound<'_, PyAny>) -> String {
    let t = v.get_type();
    let name = t
        .qualname()
        .map_or_else(|_| type_name(v), |n| n.to_string());
    let module = t.module().map(|m| m.to_string()).unwrap_or_default();
    let full = match module.as_str() {
        "" | "builtins" => name,
        m => format!("{m}.{name}"),
    };
    let article = match full.chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    };
    format!("{article} {full}")
}

// ---------------------------------------------------------------------------------------------
// Python values → JSON

/// A Python value as JSON (see the module docs). `path` names the value in the few errors raised
/// here (`plan.measures[0]: keys must be strings, found int`).
pub(crate) fn py_to_json(v: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    json_of(v).map_err(|e| match e {
        Unjson::Python(err) => err,
        Unjson::Bad {
            steps,
            message,
            wrong_type,
        } => {
            let mut at = path.to_string();
            for step in &steps {
                match step {
                    Step::Key(k) => at.push_str(&format!(".{k}")),
                    Step::Index(i) => at.push_str(&format!("[{i}]")),
                }
            }
            let message = format!("{at}: {message}");
            if wrong_type {
                PyTypeError::new_err(message)
            } else {
                PyValueError::new_err(message)
            }
        }
    })
}

/// A marker for a host value JSON cannot hold (`NaN`, `a datetime.date`).
fn marker(text: impl Into<String>) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(
        perfscore::input::HOST_KEY.to_string(),
        Value::String(text.into()),
    );
    Value::Object(map)
}

/// Deepest nesting of dicts and lists read from Python: the same as the core's JSON reader, and
/// what stops a value that contains itself (the conversion would otherwise never end).
const MAX_JSON_DEPTH: usize = 128;

/// One step of the path to a value.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Why a value could not be converted: an exception raised by Python, or a shape JSON cannot
/// hold (a key that is not text, too deep), with its path from the root.
enum Unjson {
    Python(PyErr),
    Bad {
        steps: Vec<Step>,
        message: String,
        wrong_type: bool,
    },
}

impl From<PyErr> for Unjson {
    fn from(e: PyErr) -> Self {
        Unjson::Python(e)
    }
}

/// A dict or list being converted: what is built so far, the children still to convert, and
/// the step to the child being converted now.
struct Open<'py> {
    built: Value,
    pending: std::vec::IntoIter<(Step, Bound<'py, PyAny>)>,
    at: Option<Step>,
}

/// Python value → JSON value, with an explicit stack instead of recursion: the C stack stays
/// small however deep the input (a thread with a 256 KB stack is enough), and the path of a bad
/// value is built only when it fails.
fn json_of<'py>(root: &Bound<'py, PyAny>) -> Result<Value, Unjson> {
    let mut stack: Vec<Open<'py>> = Vec::new();
    let mut next = root.clone();
    loop {
        let fail = |stack: &[Open<'py>], message: String, wrong_type: bool| Unjson::Bad {
            steps: stack.iter().filter_map(|o| o.at.clone()).collect(),
            message,
            wrong_type,
        };
        let mut done = match scalar_json(&next)? {
            Some(value) => Some(value),
            None => match container_json(&next) {
                Ok(Some((built, children))) => {
                    if stack.len() >= MAX_JSON_DEPTH {
                        let message = format!(
                            "nested more than {MAX_JSON_DEPTH} levels deep (or a value that contains itself)"
                        );
                        return Err(fail(&stack, message, false));
                    }
                    stack.push(Open {
                        built,
                        pending: children.into_iter(),
                        at: None,
                    });
                    None
                }
                Ok(None) => Some(marker(described(&next))),
                Err(Unjson::Bad {
                    message,
                    wrong_type,
                    ..
                }) => return Err(fail(&stack, message, wrong_type)),
                Err(python) => return Err(python),
            },
        };
        // Hand each finished value to its parent, closing every container that is complete,
        // until a container has a child left to convert.
        loop {
            let Some(open) = stack.last_mut() else {
                return Ok(done.unwrap_or(Value::Null));
            };
            if let Some(value) = done.take() {
                match (&mut open.built, open.at.take()) {
                    (Value::Object(map), Some(Step::Key(k))) => {
                        map.insert(k, value);
                    }
                    (Value::Array(items), Some(Step::Index(_))) => items.push(value),
                    _ => {}
                }
            }
            if let Some((step, child)) = open.pending.next() {
                open.at = Some(step);
                next = child;
                break;
            }
            done = stack.pop().map(|closed| closed.built);
        }
    }
}

/// A scalar as JSON (see the module docs); `None` for containers and anything else.
fn scalar_json(v: &Bound<'_, PyAny>) -> PyResult<Option<Value>> {
    if v.is_none() {
        return Ok(Some(Value::Null));
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Some(Value::Bool(b.is_true())));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(match s.to_cow() {
            Ok(text) => Value::String(text.into_owned()),
            Err(_) => marker("text that is not valid Unicode"),
        }));
    }
    if v.is_instance_of::<PyInt>() {
        // An int subclass may print itself otherwise (an IntEnum prints its name).
        let digits = if v.get_type().is(v.py().get_type::<PyInt>()) {
            v.str()?
        } else {
            v.py()
                .import("operator")?
                .call_method1("index", (v,))?
                .str()?
        };
        return Ok(Some(number_text(&digits.to_cow()?, v)));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(Some(float_json(f.value(), v)));
    }
    if is_decimal(v)? {
        return decimal_json(v).map(Some);
    }
    if module_of(v) == "perfscore._perfscore"
        && matches!(type_name(v).as_str(), "Plan" | "PayPlan" | "Feedback")
    {
        // A compiled plan, pay plan or 360 configuration stands for its document wherever a
        // request takes one.
        let text: String = v.call_method0("to_json")?.extract()?;
        let doc = serde_json::from_str(&text);
        return doc
            .map(Some)
            .map_err(|e| PyValueError::new_err(e.to_string()));
    }
    let name = type_name(v);
    if matches!(name.as_str(), "NAType" | "NaTType") && module_of(v).starts_with("pandas") {
        return Ok(Some(Value::Null));
    }
    if is_date(v)? {
        // A date as the calendar date it shows (a datetime's time and zone are the core's to
        // ignore): `isoformat` is `2026-06-03` or `2026-06-03T14:22:00`.
        let text = v.call_method0("isoformat")?.str()?.to_cow()?.into_owned();
        return Ok(Some(Value::String(text)));
    }
    if name == "NotApplicable" && module_of(v) == "perfscore._feedback" {
        return Ok(Some(Value::String("na".into())));
    }
    if module_of(v) == "numpy" && v.hasattr("dtype")? && !v.hasattr("__len__")? {
        return numpy_json(v);
    }
    Ok(None)
}

/// `datetime.date` or any subclass (`datetime.datetime`, `pandas.Timestamp`).
fn is_date(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    v.is_instance(DATE.import(v.py(), "datetime", "date")?)
}

fn module_of(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .module()
        .map(|m| m.to_string())
        .unwrap_or_default()
}

/// JSON number text (`1E+3`, `0.1`, `-0`) as a number; anything else as a marker naming `v`.
fn number_text(text: &str, v: &Bound<'_, PyAny>) -> Value {
    match text.parse::<serde_json::Number>() {
        Ok(n) => Value::Number(n),
        Err(_) => marker(described(v)),
    }
}

/// A float by its shortest round-trip text; far from 1 with an exponent, so that `1e300` stays
/// short (the core refuses it as out of range either way).
fn float_json(f: f64, v: &Bound<'_, PyAny>) -> Value {
    if f.is_nan() {
        return marker("NaN");
    }
    if f.is_infinite() {
        return marker(if f > 0.0 { "Infinity" } else { "-Infinity" });
    }
    let magnitude = f.abs();
    let text = if magnitude == 0.0 || (1e-7..1e21).contains(&magnitude) {
        format!("{f}")
    } else {
        format!("{f:e}")
    };
    number_text(&text, v)
}

/// A `decimal.Decimal` by its exact text; NaN and infinities as markers.
fn decimal_json(v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if v.call_method0("is_nan")?.is_truthy()? {
        return Ok(marker("NaN"));
    }
    if v.call_method0("is_infinite")?.is_truthy()? {
        let negative = v.call_method0("is_signed")?.is_truthy()?;
        return Ok(marker(if negative { "-Infinity" } else { "Infinity" }));
    }
    Ok(number_text(&v.str()?.to_cow()?, v))
}

/// A numpy scalar by its Python value; floats by their own shortest text, so `float32(0.1)` is
/// `0.1` and not the float64 nearest to it.
fn numpy_json(v: &Bound<'_, PyAny>) -> PyResult<Option<Value>> {
    let kind: String = v.getattr("dtype")?.getattr("kind")?.extract()?;
    Ok(Some(match kind.as_str() {
        "f" => {
            let text = v.str()?.to_string();
            match text.as_str() {
                "nan" | "-nan" => marker("NaN"),
                "inf" => marker("Infinity"),
                "-inf" => marker("-Infinity"),
                _ => number_text(&text, v),
            }
        }
        "i" | "u" => number_text(&v.str()?.to_cow()?, v),
        "b" => Value::Bool(v.is_truthy()?),
        _ => return Ok(None),
    }))
}

/// A child list (steps and values).
type Children<'py> = Vec<(Step, Bound<'py, PyAny>)>;

/// An empty JSON container for a dict (or any mapping), list or tuple, with its children in
/// order; `None` for any other type.
fn container_json<'py>(v: &Bound<'py, PyAny>) -> Result<Option<(Value, Children<'py>)>, Unjson> {
    let module = module_of(v);
    if (module.starts_with("pandas") || module == "numpy")
        && (v.hasattr("tolist")? || v.hasattr("itertuples")?)
    {
        // A DataFrame as its rows, a Series or array as a list, missing values as None ("no
        // data", as in frames everywhere in this binding; see `_display.plain`).
        let plain = v.py().import("perfscore._display")?;
        return container_json(&plain.call_method1("plain", (v,))?);
    }
    let converted;
    let dict = match v.cast::<PyDict>() {
        Ok(d) => Some(d),
        // Any other mapping is read through `dict(obj)`.
        Err(_)
            if v.hasattr("keys")? && v.hasattr("__getitem__")? && !v.is_instance_of::<PyType>() =>
        {
            converted = v
                .py()
                .get_type::<PyDict>()
                .call1((v,))?
                .cast_into::<PyDict>();
            converted.as_ref().ok()
        }
        Err(_) => None,
    };
    if let Some(d) = dict {
        let mut children = Vec::with_capacity(d.len());
        for (k, item) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(Unjson::Bad {
                    steps: Vec::new(),
                    message: format!("keys must be strings, found {}", type_name(&k)),
                    wrong_type: true,
                });
            };
            let Ok(key) = key.to_cow() else {
                return Err(Unjson::Bad {
                    steps: Vec::new(),
                    message: "keys must be valid Unicode text".into(),
                    wrong_type: false,
                });
            };
            children.push((Step::Key(key.into_owned()), item));
        }
        return Ok(Some((Value::Object(Default::default()), children)));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut children = Vec::new();
        for (i, item) in v.try_iter()?.enumerate() {
            children.push((Step::Index(i), item?));
        }
        return Ok(Some((Value::Array(Vec::new()), children)));
    }
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Host shapes the core does not know

/// A batch of rows (records, responses) as JSON: a pandas DataFrame by its rows (pandas'
/// missing markers as None, see `_display.frame_to_records`), any other iterable but a dict or a
/// string as a list. `row` names one row (`record`), in errors.
pub(crate) fn rows_to_json(py: Python<'_>, rows: &Bound<'_, PyAny>, row: &str) -> PyResult<Value> {
    let path = format!("{row}s");
    if rows.hasattr("columns")? && rows.hasattr("to_dict")? {
        let rows = py
            .import("perfscore._display")?
            .call_method1("frame_to_records", (rows,))?;
        return py_to_json(&rows, &path);
    }
    if rows.is_instance_of::<PyDict>() || rows.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "expected a list of {row} dicts or a pandas DataFrame"
        )));
    }
    if rows.is_instance_of::<PyList>() || rows.is_instance_of::<PyTuple>() {
        return py_to_json(rows, &path);
    }
    let list = py.get_type::<PyList>().call1((rows,))?;
    py_to_json(&list, &path)
}

// ---------------------------------------------------------------------------------------------
// Rust values → Python values

/// Any serialisable core value as Python values: maps → `dict`, sequences → `list`, text →
/// `str`, integers → `int`, floats (statistics) → `float`, `None`/unit → `None`, and every
/// decimal the core marks ([`perfscore::DECIMAL_MARK`]) → `decimal.Decimal` from its
/// exact text. No JSON text in between, and no guessing which strings are numbers.
pub(crate) fn to_py<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    value
        .serialize(ToPy(py))
        .map(Bound::unbind)
        .map_err(|e| e.0)
}

/// Parsed JSON text as Python values, by Python's own `json.loads` (it keeps the documents' key
/// order, which a `serde_json::Value` would sort).
pub(crate) fn json_to_py(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || {
        py.import("json")?.getattr("loads").map(Bound::unbind)
    })?;
    Ok(loads.bind(py).call1((text,))?.unbind())
}

/// serde_json's name for a number kept as text (`arbitrary_precision`).
const JSON_NUMBER: &str = "$serde_json::private::Number";

#[derive(Debug)]
pub(crate) struct ToPyError(PyErr);

impl std::fmt::Display for ToPyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for ToPyError {}
impl serde::ser::Error for ToPyError {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        ToPyError(PyValueError::new_err(msg.to_string()))
    }
}
impl From<PyErr> for ToPyError {
    fn from(e: PyErr) -> Self {
        ToPyError(e)
    }
}

type Out<'py> = Result<Bound<'py, PyAny>, ToPyError>;

#[derive(Clone, Copy)]
struct ToPy<'py>(Python<'py>);

/// A list or tuple being built.
struct Seq<'py>(Python<'py>, Vec<Bound<'py, PyAny>>);
/// A tuple variant being built: `{variant: [...]}`.
struct Variant<'py>(&'static str, Seq<'py>);
/// A dict being built; `variant` wraps it as `{variant: dict}` (serde_json's enum shape), and
/// `number` collects serde_json's exact-number struct.
struct Map<'py> {
    py: Python<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
    number: bool,
}

impl<'py> ToPy<'py> {
    fn text(self, s: &str) -> Out<'py> {
        Ok(PyString::new(self.0, s).into_any())
    }
    fn wrap(self, variant: &'static str, value: Bound<'py, PyAny>) -> Out<'py> {
        let d = PyDict::new(self.0);
        d.set_item(variant, value)?;
        Ok(d.into_any())
    }
    fn map(self, variant: Option<&'static str>, number: bool) -> Map<'py> {
        Map {
            py: self.0,
            dict: PyDict::new(self.0),
            key: None,
            variant,
            number,
        }
    }
}

macro_rules! via {
    ($($name:ident: $t:ty),*) => {$(
        fn $name(self, v: $t) -> Out<'py> {
            Ok(pyo3::IntoPyObjectExt::into_bound_py_any(v, self.0)?)
        }
    )*};
}

impl<'py> Serializer for ToPy<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Variant<'py>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Map<'py>;
    type SerializeStructVariant = Map<'py>;

    via!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64);

    fn serialize_char(self, v: char) -> Out<'py> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        self.text(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Out<'py> {
        Ok(pyo3::types::PyBytes::new(self.0, v).into_any())
    }
    fn serialize_none(self) -> Out<'py> {
        Ok(self.0.None().into_bound(self.0))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Out<'py> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Out<'py> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Out<'py> {
        let inner = v.serialize(self)?;
        if name == perfscore::DECIMAL_MARK {
            return Ok(decimal_class(self.0)?.call1((inner,))?);
        }
        Ok(inner)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Out<'py> {
        let inner = v.serialize(self)?;
        self.wrap(variant, inner)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'py>, ToPyError> {
        Ok(Seq(self.0, Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'py>, ToPyError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'py>, ToPyError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, ToPyError> {
        Ok(Variant(variant, self.serialize_seq(Some(len))?))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'py>, ToPyError> {
        Ok(self.map(None, false))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Map<'py>, ToPyError> {
        Ok(self.map(None, name == JSON_NUMBER))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Map<'py>, ToPyError> {
        Ok(self.map(Some(variant), false))
    }
}

impl<'py> SerializeSeq for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ToPyError> {
        self.1.push(v.serialize(ToPy(self.0))?);
        Ok(())
    }
    fn end(self) -> Out<'py> {
        Ok(PyList::new(self.0, self.1)?.into_any())
    }
}

macro_rules! seq_like {
    ($($tr:ident: $method:ident),*) => {$(
        impl<'py> serde::ser::$tr for Seq<'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = ToPyError;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ToPyError> {
                SerializeSeq::serialize_element(self, v)
            }
            fn end(self) -> Out<'py> {
                SerializeSeq::end(self)
            }
        }
    )*};
}
seq_like!(SerializeTuple: serialize_element, SerializeTupleStruct: serialize_field);

impl<'py> serde::ser::SerializeTupleVariant for Variant<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ToPyError> {
        SerializeSeq::serialize_element(&mut self.1, v)
    }
    fn end(self) -> Out<'py> {
        let py = self.1 .0;
        let list = SerializeSeq::end(self.1)?;
        ToPy(py).wrap(self.0, list)
    }
}

impl<'py> Map<'py> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), ToPyError> {
        self.dict.set_item(key, v.serialize(ToPy(self.py))?)?;
        Ok(())
    }
    fn finish(self) -> Out<'py> {
        if self.number {
            // serde_json's exact number: its text, an int when it is one, else a float.
            let text: String = self
                .dict
                .get_item(JSON_NUMBER)?
                .map_or(Ok(String::new()), |t| t.extract())?;
            let class = if text.contains(['.', 'e', 'E']) {
                self.py.get_type::<PyFloat>()
            } else {
                self.py.get_type::<PyInt>()
            };
            return Ok(class.call1((text,))?);
        }
        match self.variant {
            Some(variant) => ToPy(self.py).wrap(variant, self.dict.into_any()),
            None => Ok(self.dict.into_any()),
        }
    }
}

impl<'py> SerializeMap for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ToPyError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), ToPyError> {
        self.key = Some(k.serialize(ToPy(self.py))?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ToPyError> {
        let key = self
            .key
            .take()
            .unwrap_or_else(|| self.py.None().into_bound(self.py));
        self.dict.set_item(key, v.serialize(ToPy(self.py))?)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

macro_rules! struct_like {
    ($($tr:ident),*) => {$(
        impl<'py> serde::ser::$tr for Map<'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = ToPyError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), ToPyError> {
                self.field(key, v)
            }
            fn end(self) -> Out<'py> {
                self.finish()
            }
        }
    )*};
}
struct_like!(SerializeStruct, SerializeStructVariant);
