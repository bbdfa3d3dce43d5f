//! The OpenAPI document over real HTTP: it is OpenAPI 3.1, it lists every route of the contract with its method and
//! every error code of the catalogue, and every operation it documents is really served.

use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::http::error::CATALOGUE;
use serde_json::{Value, json};

/// The contract's routes (shared/design/registry-api.md) with the service's extensions, as (method, path).
const CONTRACT: &[(&str, &str)] = &[
    ("post", "/api/v1/sessions"),
    ("delete", "/api/v1/sessions/current"),
    ("post", "/api/v1/device-login"),
    ("post", "/api/v1/device-login/token"),
    ("get", "/api/v1/applicant"),
    ("put", "/api/v1/applicant"),
    ("get", "/api/v1/children"),
    ("post", "/api/v1/children"),
    ("post", "/api/v1/children/{id}/documents"),
    ("put", "/api/v1/children/{id}/documents/{document_id}"),
    ("put", "/api/v1/children/{id}/documents/{document_id}/scan"),
    ("get", "/api/v1/certificate-groups"),
    ("post", "/api/v1/applications"),
    ("get", "/api/v1/applications"),
    ("get", "/api/v1/applications/{id}"),
    ("post", "/api/v1/applications/{id}/email-confirmation"),
    ("post", "/api/v1/applications/{id}/email-confirmation/resend"),
    ("put", "/api/v1/applications/{id}/email"),
    ("post", "/api/v1/applications/{id}/certificate"),
    ("get", "/api/v1/institutions"),
    ("get", "/api/v1/municipalities"),
    ("get", "/api/v1/applications/by-number/{number}"),
    ("get", "/api/v1/kiosk/config"),
    ("post", "/api/v1/kiosk/heartbeat"),
    ("post", "/api/v1/kiosk/submissions"),
    ("get", "/api/v1/kiosk/submissions/{submission_id}"),
    ("get", "/healthz"),
    ("get", "/openapi.json"),
    ("get", "/confirm/{token}"),
    ("get", "/device"),
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "options", "head", "trace"];

struct Fixture {
    registry: EmbeddedRegistry,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn start() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    Fixture { registry, http: reqwest::Client::new(), _dir: dir }
}

impl Fixture {
    async fn document(&self) -> Value {
        let response = self.http.get(format!("{}/openapi.json", self.registry.base_url())).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        response.json().await.unwrap()
    }

    /// Sends `method` to `path` (path parameters filled in) without credentials or body: (status, content type).
    async fn try_route(&self, method: &str, path: &str) -> (u16, Option<String>) {
        let concrete: String = path
            .split('/')
            .map(|segment| if segment.starts_with('{') { "x0" } else { segment })
            .collect::<Vec<_>>()
            .join("/");
        let method: reqwest::Method = method.to_uppercase().parse().unwrap();
        let url = format!("{}{concrete}", self.registry.base_url());
        let response = self.http.request(method, url).send().await.unwrap();
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
        (response.status().as_u16(), content_type)
    }
}

/// The router's own answer for a path or method it does not serve: `404`/`405` with no body of the service's.
fn unrouted((status, content_type): &(u16, Option<String>)) -> bool {
    matches!(status, 404 | 405) && content_type.is_none()
}

#[tokio::test]
async fn the_document_is_openapi_3_1() {
    let fixture = start();
    let document = fixture.document().await;
    let version = document["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "{version}");
    assert_eq!(document, serde_json::to_value(pdo_registry::http::openapi()).unwrap(), "served as generated");
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    for scheme in ["kiosk", "staff"] {
        assert_eq!(
            (schemes[scheme]["type"].as_str(), schemes[scheme]["in"].as_str()),
            (Some("apiKey"), Some("header"))
        );
    }
}

#[tokio::test]
async fn every_route_of_the_contract_is_documented_with_its_method() {
    let document = start().document().await;
    let paths = document["paths"].as_object().unwrap();
    let missing: Vec<_> =
        CONTRACT.iter().filter(|(method, path)| paths.get(*path).and_then(|p| p.get(*method)).is_none()).collect();
    assert!(missing.is_empty(), "not in the document: {missing:?}");

    // Operation ids are unique, and every security requirement names a scheme of the document.
    let schemes = document["components"]["securitySchemes"].as_object().unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in paths {
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let operation = &item[*method];
            let id = operation["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_string()), "operationId {id} is used twice ({method} {path})");
            for requirement in operation.get("security").and_then(Value::as_array).into_iter().flatten() {
                for scheme in requirement.as_object().unwrap().keys() {
                    assert!(schemes.contains_key(scheme), "{method} {path} names an unknown scheme {scheme}");
                }
            }
        }
    }
}

#[tokio::test]
async fn every_error_code_of_the_catalogue_is_in_the_document() {
    let document = start().document().await;
    let schemas = &document["components"]["schemas"];
    let listed: Vec<&str> =
        schemas["ErrorCode"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let codes: Vec<&str> = CATALOGUE.iter().map(|entry| entry.0).collect();
    assert_eq!(listed, codes);
    assert_eq!(schemas["ErrorDetail"]["properties"]["code"]["$ref"], "#/components/schemas/ErrorCode");
    let description = schemas["ErrorCode"]["description"].as_str().unwrap();
    for (code, status, _, en) in CATALOGUE {
        assert!(description.contains(&format!("| `{code}` | {status} | {en} |")), "{code}");
    }
}

/// The other direction: whatever the document promises is served, and at a documented path nothing else is. Without
/// credentials, protected operations must answer `401`; nothing documented may get the router's bare `404`/`405`.
#[tokio::test]
async fn every_documented_operation_is_served() {
    let fixture = start();
    let document = fixture.document().await;
    // The check can tell the router's refusals from a handler's answers.
    assert!(unrouted(&fixture.try_route("get", "/api/v1/no-such-route").await));
    assert!(unrouted(&fixture.try_route("delete", "/healthz").await));
    assert!(!unrouted(&fixture.try_route("get", "/confirm/{token}").await), "a page's own 404 is an answer");

    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let operation = &item[*method];
            let answer = fixture.try_route(method, path).await;
            assert!(!unrouted(&answer), "{method} {path} is documented but not served: {answer:?}");
            // A requirement `{}` among the alternatives makes credentials optional (`POST /api/v1/sessions`).
            let requirements = operation.get("security").and_then(Value::as_array);
            let protected = requirements.is_some_and(|r| !r.is_empty() && r.iter().all(|q| q != &json!({})));
            if protected {
                assert_eq!(answer.0, 401, "{method} {path} without credentials");
            }
            operations += 1;
        }
        // And nothing more: a method the document does not name at this path is the router's `405`.
        for method in ["get", "put", "post", "delete", "patch"].iter().filter(|m| item.get(**m).is_none()) {
            let answer = fixture.try_route(method, path).await;
            assert!(unrouted(&answer) && answer.0 == 405, "{method} {path} is served but not documented: {answer:?}");
        }
    }
    assert!(operations >= CONTRACT.len(), "{operations} operations");
}

/// `429`, `503` and `410` are documented wherever the service can answer them, `Retry-After` with the first two.
#[tokio::test]
async fn refusals_that_can_be_answered_are_documented() {
    let document = start().document().await;
    let response = |method: &str, path: &str, status: &str| -> Option<Value> {
        let answer = document["paths"][path][method]["responses"].get(status)?.clone();
        match answer.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.trim_start_matches("#/components/responses/");
                Some(document["components"]["responses"][name].clone())
            }
            None => Some(answer),
        }
    };
    let with_retry_after = |method: &str, path: &str, status: &str| {
        let answer = response(method, path, status).unwrap_or_else(|| panic!("{method} {path}: no {status}"));
        assert!(answer["headers"].get("Retry-After").is_some(), "{method} {path} {status}: no Retry-After");
    };
    for status in ["429", "503"] {
        with_retry_after("post", "/api/v1/sessions", status);
        with_retry_after("post", "/device", status);
    }
    let mut credential_operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let requirements = operation.get("security").and_then(Value::as_array).cloned().unwrap_or_default();
            if requirements.iter().any(|r| r.get("kiosk").is_some() || r.get("staff").is_some()) {
                with_retry_after(method, path, "429");
                with_retry_after(method, path, "503");
                credential_operations += 1;
            }
        }
    }
    assert!(credential_operations >= 7, "{credential_operations} operations take kiosk or staff credentials");
    for (method, path) in [("post", "/device"), ("get", "/claim/{token}"), ("post", "/claim/{token}")] {
        assert!(response(method, path, "410").is_some(), "{method} {path}: no 410");
    }
    let security = &document["paths"]["/api/v1/sessions"]["post"]["security"];
    assert!(security.as_array().unwrap().contains(&json!({})), "kiosk credentials are optional on sign-in");
}
