//! Changing the address of an application over real HTTP: the contract answers `200` for a typo fixed right after
//! the application was made, although the creation's letter went out less than a minute before; changes after the
//! first and resends share the one-a-minute limit.

mod support;

use serde_json::json;
use std::time::Duration;
use support::online::*;
use support::*;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn the_first_change_right_after_creation_is_allowed_and_later_ones_share_the_limit() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    let application = online_until(&mut api, Online::Application).await;
    let id = application["id"].as_str().unwrap();
    let change = format!("/api/v1/applications/{id}/email");

    let (status, changed) = api.send("PUT", &change, Some(json!({"email": "zarubina@example.org"})), None).await;
    assert_eq!(status, 200, "the first change is always allowed: {changed}");
    assert_eq!(changed["email"], "zarubina@example.org");
    assert_eq!(changed["status"], "awaiting_email_confirmation");
    let letters = sink.letters(2, WAIT).await;
    assert_eq!(letters[1].2, "zarubina@example.org", "a new code goes to the new address");

    let (status, headers, body) =
        api.send_full("PUT", &change, Some(json!({"email": "zarubina@example.net"})), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("too_many_requests")), "a second change");
    assert!(headers.contains_key("retry-after"));
    let resend = format!("/api/v1/applications/{id}/email-confirmation/resend");
    let (status, _, body) = api.send_full("POST", &resend, None, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("too_many_requests")), "a resend after it");
    // The same address again changes nothing and sends nothing: not limited.
    let (status, _) = api.send("PUT", &change, Some(json!({"email": "zarubina@example.org"})), None).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.count(), 2, "no letter for refused or empty changes");
}
