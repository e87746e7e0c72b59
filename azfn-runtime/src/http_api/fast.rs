//! The fast path's reading of the HTTP trigger object (see the parent module).

use std::fmt;
use std::marker::PhantomData;

use http::header::{HeaderName, HeaderValue};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::{BodyField, Claim, Fields, Identity};

/// A JSON object read field by field.
trait Object: Default {
    const EXPECTING: &'static str;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error>;
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = T::default();
        while let Some(key) = map.next_key::<String>()? {
            object.field(key, &mut map)?;
        }
        Ok(object)
    }
}

fn object<'de, T: Object, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(ObjectVisitor(PhantomData))
}

/// Stores a field, failing on one given twice (in any letter case): the general path
/// decides which of the two wins.
fn once<T, E: de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::custom("a duplicated field"));
    }
    *slot = Some(value);
    Ok(())
}

/// The trigger object, each field at most once.
#[derive(Default)]
struct Once {
    method: Option<Option<String>>,
    url: Option<Option<String>>,
    headers: Option<http::HeaderMap>,
    query: Option<Option<Vec<(String, String)>>>,
    params: Option<Vec<(String, Option<String>)>>,
    identities: Option<Vec<Identity>>,
    body: Option<BodyField>,
}

impl Object for Once {
    const EXPECTING: &'static str = "an HTTP request object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        if is("Method") {
            once(&mut self.method, map.next_value()?)
        } else if is("Url") {
            once(&mut self.url, map.next_value()?)
        } else if is("Headers") {
            let headers = map.next_value::<Option<Headers>>()?;
            once(&mut self.headers, headers.unwrap_or_default().0)
        } else if is("Query") {
            let query = map.next_value::<Option<Pairs<String>>>()?;
            once(&mut self.query, query.map(|q| q.0))
        } else if is("Params") {
            let params = map.next_value::<Option<Pairs<Option<String>>>>()?;
            once(&mut self.params, params.unwrap_or_default().0)
        } else if is("Identities") {
            let identities = map.next_value::<Option<Vec<IdentityJson>>>()?;
            let identities = identities.unwrap_or_default().into_iter().map(|i| i.0);
            once(&mut self.identities, identities.collect())
        } else if is("Body") {
            once(&mut self.body, body(map.next_value::<&RawValue>()?)?)
        } else {
            map.next_value::<IgnoredAny>().map(drop)
        }
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f: Once = object(d)?;
        Ok(Fields {
            method: f.method.flatten(),
            url: f.url.flatten(),
            headers: f.headers.unwrap_or_default(),
            query: f.query.flatten(),
            params: f.params.unwrap_or_default(),
            identities: f.identities.unwrap_or_default(),
            body: f.body.unwrap_or_default(),
        })
    }
}

fn body<E: de::Error>(raw: &RawValue) -> Result<BodyField, E> {
    let text = raw.get();
    Ok(match text.as_bytes().first() {
        Some(b'n') => BodyField::Empty,
        Some(b'"') => BodyField::Text(serde_json::from_str(text).map_err(E::custom)?),
        _ => {
            let value: serde_json::Value = serde_json::from_str(text).map_err(E::custom)?;
            BodyField::Json(value.to_string())
        }
    })
}

/// `Headers`: name -> a string or an array of strings.
#[derive(Default)]
struct Headers(http::HeaderMap);

impl Object for Headers {
    const EXPECTING: &'static str = "the request headers";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let values = map.next_value::<OneOrMany>()?;
        // Names and values HTTP does not allow are left out, as on the general path.
        if let Ok(name) = HeaderName::from_bytes(key.as_bytes()) {
            // A name given twice (in any case): the general path decides which counts.
            let http::header::Entry::Vacant(slot) = self.0.entry(name) else {
                return Err(de::Error::custom("a header given twice"));
            };
            let mut valid = values
                .0
                .into_iter()
                .filter_map(|v| HeaderValue::from_bytes(v.as_bytes()).ok());
            if let Some(first) = valid.next() {
                let mut entry = slot.insert_entry(first);
                for v in valid {
                    entry.append(v);
                }
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object(d)
    }
}

struct OneOrMany(Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                while let Some(v) = seq.next_element::<String>()? {
                    values.push(v);
                }
                Ok(OneOrMany(values))
            }
        }
        d.deserialize_any(V)
    }
}

/// Sets `key` to `value`, the last of a repeated key winning (as in a JSON object).
fn set<V>(pairs: &mut Vec<(String, V)>, key: String, value: V) {
    match pairs.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => *v = value,
        None => pairs.push((key, value)),
    }
}

/// `Query` (name -> string) and `Params` (name -> string or `null`).
struct Pairs<V>(Vec<(String, V)>);

impl<V> Default for Pairs<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V: serde::de::DeserializeOwned> Object for Pairs<V> {
    const EXPECTING: &'static str = "an object of strings";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        set(&mut self.0, key, map.next_value()?);
        Ok(())
    }
}

impl<'de, V: serde::de::DeserializeOwned> Deserialize<'de> for Pairs<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object(d)
    }
}

#[derive(Default)]
struct IdentityFields {
    authentication_type: Option<Option<String>>,
    is_authenticated: Option<Option<bool>>,
    name: Option<Option<String>>,
    claims: Option<Vec<Claim>>,
}

impl Object for IdentityFields {
    const EXPECTING: &'static str = "an identity object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        if is("AuthenticationType") {
            once(&mut self.authentication_type, map.next_value()?)
        } else if is("IsAuthenticated") {
            once(&mut self.is_authenticated, map.next_value()?)
        } else if is("Name") {
            once(&mut self.name, map.next_value()?)
        } else if is("Claims") {
            let claims = map.next_value::<Option<Vec<MaybeClaim>>>()?;
            let claims = claims.unwrap_or_default().into_iter().flat_map(|c| c.0);
            once(&mut self.claims, claims.collect())
        } else {
            map.next_value::<IgnoredAny>().map(drop)
        }
    }
}

/// An identity as the host serializes it.
struct IdentityJson(Identity);

impl<'de> Deserialize<'de> for IdentityJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f: IdentityFields = object(d)?;
        Ok(IdentityJson(Identity {
            authentication_type: f.authentication_type.flatten(),
            is_authenticated: f.is_authenticated.flatten().unwrap_or(false),
            name: f.name.flatten(),
            claims: f.claims.unwrap_or_default(),
        }))
    }
}

#[derive(Default)]
struct ClaimFields {
    claim_type: Option<Option<String>>,
    value: Option<Option<String>>,
    issuer: Option<Option<String>>,
}

impl Object for ClaimFields {
    const EXPECTING: &'static str = "a claim object";

    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        if is("Type") {
            once(&mut self.claim_type, map.next_value()?)
        } else if is("Value") {
            once(&mut self.value, map.next_value()?)
        } else if is("Issuer") {
            once(&mut self.issuer, map.next_value()?)
        } else {
            map.next_value::<IgnoredAny>().map(drop)
        }
    }
}

/// A claim, or `None` for one without a `Type` (left out, as on the general path).
struct MaybeClaim(Option<Claim>);

impl<'de> Deserialize<'de> for MaybeClaim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f: ClaimFields = object(d)?;
        Ok(MaybeClaim(f.claim_type.flatten().map(|claim_type| Claim {
            claim_type,
            value: f.value.flatten().unwrap_or_default(),
            issuer: f.issuer.flatten(),
        })))
    }
}
