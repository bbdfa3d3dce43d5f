//! Small server-rendered HTML pages for phones (device sign-in, e-mail confirmation, claiming an offline
//! application): one page shell, HTML escaping, CSRF cookies and the security headers every page carries.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

pub const CSRF_COOKIE: &str = "pdo_csrf";
/// A form stays usable this long.
const CSRF_MAX_AGE_SECS: i64 = 1800;

pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Adds the pages' security headers to every response of a page route, errors included: no framing, no scripts,
/// no caching, no referrer, no sniffing.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// A whole page around `body` (already escaped HTML). With `csrf` = (token, cookie path, https), it sets the
/// `HttpOnly`, `SameSite=Strict` cookie the page's form must match.
pub fn render(status: StatusCode, title: &str, body: &str, csrf: Option<(&str, &str, bool)>) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{title} — сертификат дополнительного образования</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>\n",
        title = escape(title),
    );
    let mut response = (status, Html(html)).into_response();
    if let Some((token, path, https)) = csrf {
        let secure = if https { "; Secure" } else { "" };
        let cookie = format!(
            "{CSRF_COOKIE}={token}; Path={path}; Max-Age={CSRF_MAX_AGE_SECS}; HttpOnly; SameSite=Strict{secure}"
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

/// Whether the form's `csrf` field equals the page's cookie.
pub fn csrf_matches(headers: &HeaderMap, field: Option<&str>) -> bool {
    let Some(field) = field.filter(|f| !f.is_empty()) else {
        return false;
    };
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == CSRF_COOKIE && constant_time_eq(value.as_bytes(), field.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;padding:1rem;\
background:#f3f5f7;color:#1b1f23;font-size:18px;line-height:1.45}\
main{max-width:28rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.25rem;\
box-shadow:0 1px 4px rgba(0,0,0,.12)}\
h1{font-size:1.4rem;margin:0 0 .75rem}label{display:block;margin:.9rem 0 .3rem;font-weight:600}\
input{width:100%;box-sizing:border-box;font-size:1.1rem;padding:.65rem;border:1px solid #7d8790;border-radius:8px}\
.code{letter-spacing:.12em;text-transform:uppercase;font-family:ui-monospace,monospace}\
button{display:block;width:100%;margin-top:1rem;font-size:1.1rem;padding:.85rem;border:0;border-radius:8px;\
background:#0b5cad;color:#fff}button.secondary{background:#e2e6ea;color:#1b1f23}\
.error{background:#fdecea;color:#8a1c12;border-radius:8px;padding:.7rem}\
dl{margin:.75rem 0}dt{font-weight:600;margin-top:.5rem}dd{margin:0}.hint{color:#4a535c;font-size:.95rem}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_needs_the_same_token_in_cookie_and_form() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("other=1; pdo_csrf=abc123"));
        assert!(csrf_matches(&headers, Some("abc123")));
        assert!(!csrf_matches(&headers, Some("abc124")));
        assert!(!csrf_matches(&headers, Some("")));
        assert!(!csrf_matches(&headers, None));
        assert!(!csrf_matches(&HeaderMap::new(), Some("abc123")));
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(super::escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
