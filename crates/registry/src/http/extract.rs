//! Request extractors with the contract's rules: strict JSON (unknown fields are a 400), the caller's language,
//! the bearer token and the account behind it, the kiosk or staff member behind their credentials, and idempotency
//! keys.

use super::error::ApiError;
use crate::hashing::Class;
use crate::storage::{Credential, IdemKey, StaffInfo, Storage, StoreResult};
use crate::{Registry, accounts};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, StatusCode, header, request::Parts};
use pdo_core::api::{Account, KioskInfo};
use pdo_core::domain::Lang;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// The language of messages, from `Accept-Language` (Russian unless English is preferred).
#[derive(Debug, Clone, Copy)]
pub struct CallerLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for CallerLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(CallerLang(lang_of(&parts.headers)))
    }
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S, lang: Lang) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::code("payload_too_large", lang)
        } else {
            ApiError::code("bad_request", lang)
        }
    })
}

fn parse<T: DeserializeOwned>(bytes: &[u8], lang: Lang) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|_| ApiError::code("bad_request", lang))
}

/// A JSON body that must parse into `T` exactly.
pub struct StrictJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let bytes = body_bytes(req, state, lang).await?;
        Ok(StrictJson(parse(&bytes, lang)?))
    }
}

/// A strict JSON body of a creating request, with its required `Idempotency-Key` and the body's hash.
pub struct IdempotentJson<T> {
    pub value: T,
    pub key: String,
    pub body_hash: Vec<u8>,
    pub path: String,
}

impl<T> IdempotentJson<T> {
    /// The key scoped to the caller, method and path, as the contract asks.
    pub fn scoped(&self, scope: String) -> IdemKey {
        IdemKey {
            scope,
            method: "POST",
            path: self.path.clone(),
            key: self.key.clone(),
            body_hash: self.body_hash.clone(),
        }
    }
}

pub fn idempotency_key(headers: &HeaderMap, lang: Lang) -> Result<String, ApiError> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or("");
    let printable = key.bytes().all(|b| (0x20..0x7f).contains(&b));
    if key.is_empty() || key.len() > 255 || !printable {
        return Err(ApiError::code("idempotency_key_required", lang));
    }
    Ok(key.to_string())
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for IdempotentJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let key = idempotency_key(req.headers(), lang)?;
        let path = req.uri().path().to_string();
        let bytes = body_bytes(req, state, lang).await?;
        let value = parse(&bytes, lang)?;
        Ok(IdempotentJson { value, key, body_hash: Sha256::digest(&bytes).to_vec(), path })
    }
}

/// The raw token of `Authorization: Bearer <token>`.
pub struct BearerToken(pub String);

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        bearer(&parts.headers).map(BearerToken).ok_or_else(|| ApiError::code("unauthorized", lang_of(&parts.headers)))
    }
}

/// The signed-in account behind the bearer token (refreshing its idle timer); `401 unauthorized` otherwise.
pub struct Caller(pub Account);

impl Caller {
    pub fn scope(&self) -> String {
        format!("account:{}", self.0.id)
    }
}

impl FromRequestParts<Registry> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, registry: &Registry) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let token = bearer(&parts.headers).ok_or_else(|| ApiError::code("unauthorized", lang))?;
        let now = registry.clock.now();
        let account = registry
            .store(move |s| s.authenticate(&token, now))
            .await
            .map_err(|e| ApiError::from_store(e, lang))?
            .ok_or_else(|| ApiError::code("unauthorized", lang))?;
        Ok(Caller(account))
    }
}

/// The id and secret of an `Authorization: <scheme> <id>:<secret>` header (the scheme name is case-insensitive):
/// how kiosks (`Kiosk`) and staff (`Staff`) authenticate.
pub fn credentials(headers: &HeaderMap, scheme: &str) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (given, credentials) = value.split_once(' ')?;
    if !given.eq_ignore_ascii_case(scheme) {
        return None;
    }
    let (id, secret) = credentials.trim().split_once(':')?;
    // Secrets are 32 characters; a far longer one is not worth hashing.
    (!id.is_empty() && !secret.is_empty() && id.len() <= 128 && secret.len() <= 256)
        .then(|| (id.to_string(), secret.to_string()))
}

/// Finds a credential holder by id in storage.
type Lookup<T> = fn(&Storage, &str) -> StoreResult<Option<Credential<T>>>;

/// The holder of `Authorization: <scheme> <id>:<secret>`, found by `lookup`; `401 unauthorized` when the header is
/// missing or malformed (another scheme included), the secret wrong, the id unknown or revoked. The record is read on
/// every request, so a revocation counts from the next one; a secret that already matched the same stored hash skips
/// argon2 (`crate::verified`). Otherwise one argon2 verification runs on the password threads (`crate::hashing`):
/// on the share reserved for credentials when the id exists, on the applicants' share against a dummy hash when it
/// does not (so timing does not tell, and a flood of made-up ids cannot starve real kiosks); a full queue is
/// `503 busy`. Wrong secrets of an existing id are counted in the database (`Storage::record_secret_check`, with
/// `crate::throttle`'s rules, shared by every registry process): a blocked id is `429 too_many_attempts` without
/// argon2, except for the secret that last matched.
async fn credential_holder<T: Clone + Send + 'static>(
    parts: &Parts,
    registry: &Registry,
    scheme: &'static str,
    lookup: Lookup<T>,
) -> Result<T, ApiError> {
    let lang = lang_of(&parts.headers);
    let (id, secret) = credentials(&parts.headers, scheme).ok_or_else(|| ApiError::code("unauthorized", lang))?;
    let holder = format!("{scheme}:{id}");
    let record = registry.store(move |s| lookup(s, &id)).await.map_err(|e| ApiError::from_store(e, lang))?;
    let now = registry.clock.now();
    if let Some(record) = &record {
        let cached = registry.verified.known(&holder, &record.secret_hash, &secret, std::time::Instant::now());
        if !record.revoked && cached {
            return Ok(record.info.clone());
        }
        let blocked_holder = holder.clone();
        let blocked = registry
            .store(move |s| s.secret_blocked(&blocked_holder, now))
            .await
            .map_err(|e| ApiError::from_store(e, lang))?;
        if let Some(retry_after) = blocked {
            if !record.revoked && registry.verified.known_any_age(&holder, &record.secret_hash, &secret) {
                return Ok(record.info.clone());
            }
            return Err(ApiError { retry_after: Some(retry_after), ..ApiError::code("too_many_attempts", lang) });
        }
    }
    let class = if record.is_some() { Class::Credential } else { Class::Applicant };
    let verified_secrets = registry.verified.clone();
    let check_holder = holder.clone();
    let outcome = registry
        .hashing
        .run(class, move || match record {
            Some(record) => {
                let matches = accounts::password_matches(&secret, &record.secret_hash);
                if matches {
                    verified_secrets.remember(&check_holder, &record.secret_hash, &secret, std::time::Instant::now());
                }
                Some((matches, (!record.revoked).then_some(record.info)))
            }
            None => {
                accounts::burn_verification(&secret);
                None
            }
        })
        .await
        .map_err(|_| ApiError::busy(lang))?;
    let matched = match outcome {
        Some((matched, _)) => matched,
        None => return Err(ApiError::code("unauthorized", lang)),
    };
    let now = registry.clock.now();
    let counted = holder.clone();
    registry
        .store(move |s| s.record_secret_check(&counted, matched, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    match outcome {
        Some((true, Some(info))) => Ok(info),
        _ => Err(ApiError::code("unauthorized", lang)),
    }
}

/// The kiosk behind `Authorization: Kiosk <kiosk_id>:<secret>` (see `credential_holder` for the rules).
pub struct Kiosk(pub KioskInfo);

impl Kiosk {
    pub const SCHEME: &str = "Kiosk";

    pub fn scope(&self) -> String {
        format!("kiosk:{}", self.0.id)
    }
}

impl FromRequestParts<Registry> for Kiosk {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, registry: &Registry) -> Result<Self, Self::Rejection> {
        credential_holder(parts, registry, Self::SCHEME, |s: &Storage, id: &str| s.kiosk(id)).await.map(Kiosk)
    }
}

/// The kiosk a request says it comes from, when it carries `Authorization: Kiosk …` (checked as `Kiosk`, wrong
/// credentials refused the same way); `None` without such a header.
pub struct OptionalKiosk(pub Option<KioskInfo>);

impl FromRequestParts<Registry> for OptionalKiosk {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, registry: &Registry) -> Result<Self, Self::Rejection> {
        let scheme = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' ').map(|(scheme, _)| scheme.to_string()).or_else(|| Some(v.to_string())));
        match scheme {
            Some(scheme) if scheme.eq_ignore_ascii_case(Kiosk::SCHEME) => {
                Kiosk::from_request_parts(parts, registry).await.map(|k| OptionalKiosk(Some(k.0)))
            }
            _ => Ok(OptionalKiosk(None)),
        }
    }
}

/// A member of an institution's staff behind `Authorization: Staff <staff_id>:<secret>` (an extension of the
/// contract; the same rules as kiosks', see `credential_holder`). Kiosk and bearer credentials are not staff.
pub struct Staff(pub StaffInfo);

impl Staff {
    pub const SCHEME: &str = "Staff";
}

impl FromRequestParts<Registry> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, registry: &Registry) -> Result<Self, Self::Rejection> {
        credential_holder(parts, registry, Self::SCHEME, |s: &Storage, id: &str| s.staff(id)).await.map(Staff)
    }
}

/// Whom to count the phone page's wrong user codes against: the client's IPv4 address, or the /64 network of an
/// IPv6 one (a single host usually holds a whole /64). The client is the peer, or behind a trusted reverse proxy
/// the address it forwarded (`crate::proxy`). Only the phone page counts per address; kiosk-authenticated requests
/// never do, so many kiosks behind one address are never limited together.
pub struct ClientKey(pub String);

impl FromRequestParts<Registry> for ClientKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, registry: &Registry) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip());
        let client = peer.map(|peer| crate::proxy::client_ip(peer, &parts.headers, &registry.trusted_proxies));
        Ok(ClientKey(client.map_or_else(|| "unknown".to_string(), client_key)))
    }
}

pub fn client_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => format!("ip:{v4}"),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Marks a scoped idempotency key as being answered (`Storage::enter_in_flight`: in memory on SQLite; on PostgreSQL
/// the step holds it); a second request with it meanwhile gets `409`.
pub struct InFlight {
    registry: Registry,
    id: String,
}

impl InFlight {
    pub async fn enter(registry: &Registry, key: &IdemKey, lang: Lang) -> Result<Self, ApiError> {
        let id = key.in_flight_id();
        if !registry.storage.enter_in_flight(&id) {
            return Err(ApiError::code("request_in_flight", lang));
        }
        Ok(Self { registry: registry.clone(), id })
    }
}

/// The mark goes when the answer is made, before it is sent: a client that sends the same request again right after
/// the answer gets the replay, not `409`.
impl Drop for InFlight {
    fn drop(&mut self) {
        self.registry.storage.leave_in_flight(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn credentials_are_split_at_the_first_colon() {
        let kiosk = |value: &str| credentials(&with_authorization(value), Kiosk::SCHEME);
        assert_eq!(kiosk("Kiosk k-01:abc:def"), Some(("k-01".to_string(), "abc:def".to_string())));
        assert_eq!(kiosk("kiosk k-01:s"), Some(("k-01".into(), "s".into())));
        assert_eq!(kiosk("Bearer k-01:s"), None);
        assert_eq!(kiosk("Staff k-01:s"), None);
        assert_eq!(kiosk("Kiosk k-01"), None);
        assert_eq!(kiosk("Kiosk :s"), None);
        assert_eq!(kiosk("Kiosk k-01:"), None);
        assert_eq!(credentials(&HeaderMap::new(), Kiosk::SCHEME), None);
        let staff = |value: &str| credentials(&with_authorization(value), Staff::SCHEME);
        assert_eq!(staff("STAFF s-01:secret"), Some(("s-01".into(), "secret".into())));
        assert_eq!(staff("Kiosk s-01:secret"), None);
        assert_eq!(staff("Stafff s-01:secret"), None);
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_network() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(client_key("::ffff:192.0.2.7".parse().unwrap()), "ip:192.0.2.7");
        assert_eq!(client_key("192.0.2.7".parse().unwrap()), "ip:192.0.2.7");
    }
}

/// Reads a raw body of at most `limit` bytes; an announced Content-Length over it is refused before reading.
pub async fn limited_body(
    headers: &HeaderMap,
    body: axum::body::Body,
    limit: usize,
    lang: Lang,
) -> Result<Bytes, ApiError> {
    let announced =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > limit as u64) {
        return Err(ApiError::code("payload_too_large", lang));
    }
    axum::body::to_bytes(body, limit).await.map_err(|_| ApiError::code("payload_too_large", lang))
}

#[cfg(test)]
mod in_flight_tests {
    use super::*;

    #[tokio::test]
    async fn a_second_request_with_a_key_in_flight_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let storage = crate::storage::Storage::open(&dir.path().join("r.sqlite3")).unwrap();
        let registry = Registry::new(std::sync::Arc::new(storage));
        let key = IdemKey {
            scope: "account:a".into(),
            method: "POST",
            path: "/api/v1/children".into(),
            key: "k".into(),
            body_hash: vec![],
        };
        let first = InFlight::enter(&registry, &key, Lang::Ru).await.unwrap();
        let second =
            InFlight::enter(&registry, &key, Lang::Ru).await.err().expect("refused while the first is answered");
        assert_eq!((second.status, second.code), (StatusCode::CONFLICT, "request_in_flight"));
        let other_caller = IdemKey { scope: "account:b".into(), ..key.clone() };
        assert!(InFlight::enter(&registry, &other_caller, Lang::Ru).await.is_ok(), "keys are scoped to the caller");
        drop(first);
        assert!(InFlight::enter(&registry, &key, Lang::Ru).await.is_ok(), "free again once the first has answered");
    }
}
