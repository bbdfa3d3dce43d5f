//! The OpenAPI 3.1 document of the service (`GET /openapi.json`). Each handler carries its own `#[utoipa::path]`
//! annotation and the router registers handlers only through those annotations (`super::api`), so a route without
//! a documented operation, or a documented path the router does not serve, cannot exist. What no single annotation
//! can say is added here by `complete`: the security schemes, the `ErrorCode` list generated from `CATALOGUE`, and
//! the error body as the default answer of every JSON endpoint.

use super::error::CATALOGUE;
use axum::Extension;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoParams, ToSchema};

/// Security scheme names, as the handlers name them in `security(...)`.
pub const BEARER: &str = "bearer";
pub const KIOSK: &str = "kiosk";
pub const STAFF: &str = "staff";

/// The document's frame: title, version, description and tags; the paths come from the router.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "pdo-registry: the registry API v1",
        description = "The contract between the kiosk and the registry service of the Kuzbass certificate of \
                       supplementary education (docs/registry-api.md). Generated from the service's code.",
    ),
    components(schemas(pdo_core::api::OfflinePayload)),
    tags(
        (name = "sessions", description = "Sign-in with a password, sign-out"),
        (name = "device", description = "Sign-in on a kiosk approved on the applicant's phone (RFC 8628)"),
        (name = "applicant", description = "The applicant's own details"),
        (name = "children", description = "Children of the account and their documents"),
        (name = "applications", description = "Applications, the e-mail step and certificates"),
        (name = "reference", description = "Reference data"),
        (name = "kiosk", description = "Kiosks: configuration, heartbeats, applications taken offline"),
        (name = "staff", description = "Staff of institutions that activate certificates (extension)"),
        (name = "pages", description = "HTML pages opened on phones from QR codes and e-mails"),
        (name = "operations", description = "Health check and this document"),
    )
)]
pub struct ApiDoc;

/// `Accept-Language` of every JSON endpoint.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct Language {
    /// The language of `error.message`: Russian unless English is preferred (`en`).
    #[param(rename = "Accept-Language", value_type = String, example = "ru")]
    accept_language: Option<String>,
}

/// `Idempotency-Key` of every creating `POST` (marked (I) in the contract).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct Idempotency {
    /// 1 to 255 printable ASCII characters, scoped to (caller, method, path); the same key with the same body replays
    /// the first answer with `Idempotent-Replayed: true`, with another body it is `422 idempotency_key_reuse`.
    #[param(rename = "Idempotency-Key", min_length = 1, max_length = 255)]
    idempotency_key: String,
}

/// The headers of `POST /api/v1/kiosk/submissions`.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct SealedSubmission {
    /// The payload's `submission_id`: a submission is deduplicated forever on (kiosk, submission id), whatever the
    /// bytes of the box.
    #[param(rename = "Idempotency-Key", min_length = 1, max_length = 255)]
    idempotency_key: String,
    /// The `key_id` of the registry's public key (from `GET /api/v1/kiosk/config`) the box is sealed to.
    #[param(rename = "Sealed-Key-Id")]
    sealed_key_id: String,
}

/// The body of `POST /api/v1/kiosk/submissions`: a libsodium-compatible sealed box (X25519, XSalsa20-Poly1305) of
/// the JSON `OfflinePayload`, at most 12 MiB.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct SealedBox(Vec<u8>);

/// The document, serialised once when the router is built.
#[derive(Clone)]
pub struct Document(pub Bytes);

/// `GET /openapi.json`
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json")),
)]
pub async fn openapi_json(Extension(Document(document)): Extension<Document>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document).into_response()
}

/// Adds what the annotations cannot say: the security schemes, the error codes from `CATALOGUE` (an `ErrorCode`
/// enum that `ErrorDetail.code` refers to) and the error body as every JSON operation's `default` response.
pub fn complete(document: &mut OpenApi) {
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("Applicants: `Authorization: Bearer <token>` from a session"))
                .build(),
        ),
    );
    components.add_security_scheme(
        KIOSK,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "Authorization",
            "Kiosks: `Authorization: Kiosk <kiosk_id>:<secret>`, the secret as printed by `pdo-registry kiosk add`",
        ))),
    );
    components.add_security_scheme(
        STAFF,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "Authorization",
            "Staff of institutions (extension): `Authorization: Staff <staff_id>:<secret>`, the secret as printed by \
             `pdo-registry staff add`",
        ))),
    );
    components.schemas.insert("ErrorCode".into(), error_code_schema().into());
    if let Some(RefOr::T(Schema::Object(detail))) = components.schemas.get_mut("ErrorDetail") {
        detail.properties.insert("code".into(), Ref::from_schema_name("ErrorCode").into());
    }
    components.responses.insert(
        "Error".into(),
        ResponseBuilder::new()
            .description("Any other refusal or failure (e.g. `500 internal`), with the error body")
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
            .build()
            .into(),
    );
    components.responses.insert("TooManyAttempts".into(), error_with_retry_after(TOO_MANY_ATTEMPTS).into());
    components.responses.insert("Busy".into(), error_with_retry_after(BUSY).into());
    for (path, item) in document.paths.paths.iter_mut() {
        if !path.starts_with("/api/") {
            continue;
        }
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            operation.responses.responses.insert("default".into(), Ref::from_response_name("Error").into());
            // Kiosk and staff credentials are checked by one extractor, which can refuse a blocked id (429) or a
            // saturated password check (503) on every operation that takes them.
            let credentials = operation.security.iter().flatten().any(|requirement| {
                let names = serde_json::to_value(requirement).unwrap_or_default();
                names.get(KIOSK).is_some() || names.get(STAFF).is_some()
            });
            if credentials {
                let responses = &mut operation.responses.responses;
                responses.entry("429".into()).or_insert_with(|| Ref::from_response_name("TooManyAttempts").into());
                responses.entry("503".into()).or_insert_with(|| Ref::from_response_name("Busy").into());
            }
        }
    }
}

const TOO_MANY_ATTEMPTS: &str = "`too_many_attempts`: too many wrong secrets for this kiosk or staff id lately; only \
                                 the secret that last matched is accepted until `Retry-After` has passed";
const BUSY: &str = "`busy`: the password checks are saturated (a secret not verified lately needs one); retry after \
                    `Retry-After` seconds";

/// An error answer with the error body and `Retry-After`.
fn error_with_retry_after(description: &str) -> utoipa::openapi::Response {
    let retry_after = utoipa::openapi::HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::Integer))
        .description(Some("Seconds to wait before retrying"))
        .build();
    ResponseBuilder::new()
        .description(description)
        .header("Retry-After", retry_after)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
        .build()
}

/// Every code of `CATALOGUE` as an enum, and a table of code, status and English message as its description.
fn error_code_schema() -> Schema {
    let mut description = String::from(
        "Every code the service answers with, its HTTP status and its message (`Accept-Language: en`):\n\n\
         | code | status | message |\n| --- | --- | --- |\n",
    );
    for (code, status, _, en) in CATALOGUE {
        description.push_str(&format!("| `{code}` | {status} | {en} |\n"));
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(CATALOGUE.iter().map(|entry| entry.0)))
        .description(Some(description))
        .into()
}
