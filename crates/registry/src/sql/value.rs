//! The values both engines store alike. Times are RFC 3339 text (compared as text, so the steps write them
//! fixed-width), dates ISO text, flags integers 0/1 (PostgreSQL's booleans from `IS NULL` and the like read as 0/1).

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

pub trait ToValue {
    fn to_value(&self) -> Value;
}

pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Result<Self, String>;
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

impl<const N: usize> ToValue for [u8; N] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(i64::try_from(*self).expect("an integer that fits 64 bits"))
            }
        }
        impl FromValue for $t {
            fn from_value(value: &Value) -> Result<Self, String> {
                match value {
                    Value::Int(i) => <$t>::try_from(*i).map_err(|e| e.to_string()),
                    other => Err(format!("expected an integer, found {other:?}")),
                }
            }
        }
    )*};
}
integers!(i64, i32, u32, u64, usize, u16, u8, i16);

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}

impl ToValue for NaiveDate {
    fn to_value(&self) -> Value {
        Value::Text(self.format("%F").to_string())
    }
}

/// rusqlite's own text form of a UTC time, so rows written before the shared layer read and compare the same.
impl ToValue for DateTime<Utc> {
    fn to_value(&self) -> Value {
        Value::Text(self.format("%F %T%.f%:z").to_string())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl FromValue for Value {
    fn from_value(value: &Value) -> Result<Self, String> {
        Ok(value.clone())
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Int(i) => Ok(*i != 0),
            other => Err(format!("expected a flag, found {other:?}")),
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Real(r) => Ok(*r),
            Value::Int(i) => Ok(*i as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

impl FromValue for NaiveDate {
    fn from_value(value: &Value) -> Result<Self, String> {
        let text = String::from_value(value)?;
        NaiveDate::parse_from_str(&text, "%F").map_err(|e| format!("{text:?}: {e}"))
    }
}

/// RFC 3339 with `T` or a space, or without an offset (UTC), as rusqlite reads them.
impl FromValue for DateTime<Utc> {
    fn from_value(value: &Value) -> Result<Self, String> {
        let text = String::from_value(value)?;
        let t = if text.len() >= 11 && text.as_bytes()[10] == b'T' { "T" } else { " " };
        if let Ok(time) = DateTime::parse_from_str(&text, &format!("%F{t}%T%.f%#z")) {
            return Ok(time.with_timezone(&Utc));
        }
        chrono::NaiveDateTime::parse_from_str(&text, &format!("%F{t}%T%.f"))
            .map(|naive| naive.and_utc())
            .map_err(|e| format!("{text:?}: {e}"))
    }
}
