//! Applications taken offline over real HTTP: the kiosk's config (keys, number block), a payload sealed the way the
//! kiosk seals it, deduplication forever, tampered and wrongly keyed boxes, rejection with a reason and a letter,
//! and the claim link that joins the application to an account and issues the certificate.

mod support;

use chrono::Utc;
use pdo_core::api::KioskConfig;
use pdo_core::domain::AccountKind;
use pdo_core::sealed;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::storage::Storage;
use std::time::Duration;
use support::offline::*;
use support::*;

#[tokio::test]
async fn an_offline_application_is_received_once_claimed_and_issued() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    add_kiosk(&api);
    let (status, config) = api.kiosk_get("/api/v1/kiosk/config").await;
    assert_eq!(status, 200, "{config}");
    let config: KioskConfig = serde_json::from_value(config).unwrap();
    assert_eq!(config.kiosk.id, KIOSK_ID);
    let (from, to): (u64, u64) = (config.number_block.from.parse().unwrap(), config.number_block.to.parse().unwrap());
    assert_eq!(to - from + 1, 100);
    let key_id = config.public_keys[0].key_id.clone();

    // A box sealed to a key the registry does not hold, and a tampered box: 422, nothing stored.
    let (_, other_public) = sealed::generate();
    let p = payload(&from.to_string(), "sub-1", "112-233-445 95");
    let wrong = sealed::seal(&other_public, &serde_json::to_vec(&p).unwrap()).unwrap();
    let (status, _, body) = api.submit("sub-1", &key_id, wrong).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("unsealable")));
    let mut tampered = seal(&config, &p);
    tampered[60] ^= 0x01;
    let (status, _, _) = api.submit("sub-1", &key_id, tampered).await;
    assert_eq!(status, 422);

    let (status, headers, receipt) = api.submit("sub-1", &key_id, seal(&config, &p)).await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(receipt["status"], "awaiting_claim");
    assert_eq!(receipt["application_number"], from.to_string());
    assert!(!headers.contains_key("idempotent-replayed"));
    // Re-sealed (new bytes), same submission id: the first answer again, nothing created twice.
    let (status, headers, again) = api.submit("sub-1", &key_id, seal(&config, &p)).await;
    assert_eq!((status, &again), (202, &receipt));
    assert_eq!(headers["idempotent-replayed"], "true");
    let (status, state) = api.kiosk_get("/api/v1/kiosk/submissions/sub-1").await;
    assert_eq!((status, state["status"].as_str()), (200, Some("awaiting_claim")));
    assert!(!state.to_string().contains("Зарубин"), "the status carries no personal data: {state}");

    let (subject, body, to) = sink.letter(1, Duration::from_secs(10)).await;
    assert_eq!(subject, "Заявление на сертификат ПДО принято терминалом");
    assert_eq!(to, "offline.parent@example.org");
    let link = body.split_whitespace().find(|w| w.contains("/claim/")).unwrap().to_string();

    // The claim page: a form with a CSRF cookie; a post without the cookie is refused.
    let page = api.http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_string();
    let html = page.text().await.unwrap();
    assert!(html.contains(&from.to_string()), "the page names the application");
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let form = [("csrf", csrf.as_str()), ("login", ACCOUNTS[0].login), ("password", ACCOUNTS[0].password)];
    let forged = api.http.post(&link).form(&form).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    let cookie_pair = cookie.split(';').next().unwrap().to_string();
    let wrong_password = [("csrf", csrf.as_str()), ("login", ACCOUNTS[0].login), ("password", "wrong")];
    let refused = api.http.post(&link).header("Cookie", &cookie_pair).form(&wrong_password).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let done = api.http.post(&link).header("Cookie", &cookie_pair).form(&form).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let html = done.text().await.unwrap();
    assert!(html.contains("Сертификат выдан"), "{html}");

    let (subject, body, _) = sink.letter(2, Duration::from_secs(10)).await;
    assert_eq!(subject, "Сертификат дополнительного образования выдан");
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let (_, list) = api.send("GET", "/api/v1/applications", None, None).await;
    let app = &list[0];
    assert_eq!(app["source"], "kiosk_offline");
    assert_eq!(app["status"], "certificate_issued");
    assert_eq!(app["number"], from.to_string());
    let record = app["registry_record"].as_str().unwrap();
    assert!(body.contains(record));
    assert_eq!(
        app["institutions"][0]["name"], "Детско-юношеская спортивная школа «Старт» (демо)",
        "the kiosk's municipality"
    );
    let (_, state) = api.kiosk_get("/api/v1/kiosk/submissions/sub-1").await;
    assert_eq!(state["status"], "certificate_issued");
    let used = api.http.get(&link).send().await.unwrap();
    assert_eq!(used.status(), 410, "a claim link works once");
}

#[tokio::test]
async fn invalid_offline_applications_are_rejected_with_a_reason_and_a_letter() {
    let sink = SmtpSink::start().await;
    let api = Api::start(sink.port);
    add_kiosk(&api);
    let (_, config) = api.kiosk_get("/api/v1/kiosk/config").await;
    let config: KioskConfig = serde_json::from_value(config).unwrap();
    let key_id = config.public_keys[0].key_id.clone();
    let first: u64 = config.number_block.from.parse().unwrap();

    let mut bad = payload(&first.to_string(), "sub-bad", "112-233-445 96");
    bad.document.series = "IIII-ЛО".into();
    let (status, _, receipt) = api.submit("sub-bad", &key_id, seal(&config, &bad)).await;
    assert_eq!(status, 202);
    assert_eq!((receipt["status"].as_str(), receipt["reason"].as_str()), (Some("rejected"), Some("validation")));
    let (subject, body, _) = sink.letter(1, Duration::from_secs(10)).await;
    assert_eq!(subject, "Заявление на сертификат ПДО не принято");
    assert!(body.contains("child.snils") && body.contains("document.series"), "{body}");

    let outside = payload("999", "sub-outside", "112-233-445 95");
    let (_, _, receipt) = api.submit("sub-outside", &key_id, seal(&config, &outside)).await;
    assert_eq!(receipt["reason"], "number_not_reserved");

    let mut foreign = payload(&(first + 1).to_string(), "sub-foreign", "112-233-445 95");
    foreign.kiosk_id = "another-kiosk".into();
    let (_, _, receipt) = api.submit("sub-foreign", &key_id, seal(&config, &foreign)).await;
    assert_eq!(receipt["reason"], "kiosk_mismatch");

    let good = payload(&(first + 2).to_string(), "sub-good", "112-233-445 95");
    let (_, _, receipt) = api.submit("sub-good", &key_id, seal(&config, &good)).await;
    assert_eq!(receipt["status"], "awaiting_claim");
    let reused = payload(&(first + 2).to_string(), "sub-reused", "123-456-789 64");
    let (_, _, receipt) = api.submit("sub-reused", &key_id, seal(&config, &reused)).await;
    assert_eq!(receipt["reason"], "number_used");
    // The same child named for another parent than the one its waiting submission named.
    let storage = Storage::open(&api.db).unwrap();
    storage.create_account("drugoy.roditel", "invented-password-3", AccountKind::Parent, "Кедрова Ульяна").unwrap();
    let mut same_child = payload(&(first + 3).to_string(), "sub-same-child", "112-233-445 95");
    same_child.login = Some("drugoy.roditel".into());
    let (_, _, receipt) = api.submit("sub-same-child", &key_id, seal(&config, &same_child)).await;
    assert_eq!(receipt["reason"], "child_already_registered");
    // Letters: three rejections, the claim letter, two rejections.
    let letters = sink.letters(6, Duration::from_secs(10)).await;
    let other_account = letters.iter().find(|(_, body, _)| body.contains("с другим логином"));
    let (subject, body, _) = other_account.expect("a letter about the child in another account");
    assert_eq!(subject, "Заявление на сертификат ПДО не принято");
    assert!(body.contains("Если это ваш ребёнок, войдите в тот кабинет"), "{body}");

    let (status, body) = api.kiosk_get("/api/v1/kiosk/submissions/no-such").await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("submission_not_found")));
}

#[tokio::test]
async fn old_keys_keep_opening_boxes_after_a_rotation() {
    let sink = SmtpSink::start().await;
    let api = Api::start(sink.port);
    add_kiosk(&api);
    let (_, config) = api.kiosk_get("/api/v1/kiosk/config").await;
    let old: KioskConfig = serde_json::from_value(config).unwrap();
    let storage = Storage::open(&api.db).unwrap();
    let (new_key, _) = storage.rotate_sealing_key(Utc::now() + chrono::Duration::seconds(1)).unwrap();
    let (_, config) = api.kiosk_get("/api/v1/kiosk/config").await;
    let new: KioskConfig = serde_json::from_value(config).unwrap();
    assert_eq!(new.public_keys[0].key_id, new_key, "kiosks seal with the newest key");
    assert_eq!(new.public_keys.len(), 2, "the old key is still listed");
    let from = old.number_block.from.clone();
    let p = payload(&from, "sub-old-key", "112-233-445 95");
    let (status, _, receipt) = api.submit("sub-old-key", &old.public_keys[0].key_id, seal(&old, &p)).await;
    assert_eq!((status, receipt["status"].as_str()), (202, Some("awaiting_claim")), "{receipt}");
    let unknown = api.submit("sub-x", "no-such-key", seal(&new, &payload(&from, "sub-x", "123-456-789 64"))).await;
    assert_eq!(unknown.0, 422);
}
