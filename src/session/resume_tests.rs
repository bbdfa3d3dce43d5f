use super::*;
use chrono::TimeZone;

/// An invented unfinished application.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Draft {
    step: String,
    child_last_name: String,
    child_first_name: String,
}

fn draft() -> Draft {
    Draft {
        step: "document".into(), child_last_name: "Придумкина".into(), child_first_name: "Василиса".into()
    }
}

fn at(hours: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + hours * 3600, 0).unwrap()
}

fn open(dir: &std::path::Path) -> Drafts {
    let store = Store::open(&dir.join("kiosk.sqlite3")).unwrap();
    Drafts::open(store, dir, DEFAULT_KEEP).unwrap()
}

#[test]
fn codes_use_the_unambiguous_alphabet_and_read_back_however_typed() {
    let code = ResumeCode::generate();
    assert_eq!(code.0.len(), CODE_LEN);
    assert!(code.0.bytes().all(|b| CODE_ALPHABET.contains(&b)));
    let shown = code.display();
    assert_eq!((shown.len(), &shown[4..5]), (9, "-"));
    assert_eq!(ResumeCode::parse(&shown).unwrap().0.as_str(), code.0.as_str());
    assert_eq!(ResumeCode::parse(" acde-fh34 ").unwrap().0.as_str(), "ACDEFH34");
    assert_eq!(ResumeCode::parse("АСЕН КМРТ").unwrap().0.as_str(), "ACEHKMPT", "Cyrillic look-alikes");
    for bad in ["ACDEFH3", "ACDEFH340", "ACDEFH3O", "ACDEFH31", "ACDEFHЖ4"] {
        assert!(matches!(ResumeCode::parse(bad), Err(ResumeError::BadCode)), "{bad}");
    }
    assert_eq!(format!("{code:?}"), "ResumeCode(********)");
    let many: std::collections::BTreeSet<String> = (0..50).map(|_| ResumeCode::generate().0.to_string()).collect();
    assert!(many.len() > 45, "codes are random");
}

#[tokio::test]
async fn a_draft_comes_back_once_with_its_account_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path());
    let code = drafts.save_json("account-41", &draft(), at(0)).await.unwrap();
    assert!(drafts.waiting_for("account-41", at(1)).await.unwrap());
    assert!(!drafts.waiting_for("account-42", at(1)).await.unwrap());
    let other_account = drafts.restore_json::<Draft>("account-42", &code.display(), at(1)).await;
    assert!(matches!(other_account, Err(ResumeError::NotFound)), "{other_account:?}");
    let back: Draft = drafts.restore_json("account-41", &code.display(), at(1)).await.unwrap();
    assert_eq!(back, draft());
    let again = drafts.restore_json::<Draft>("account-41", &code.display(), at(1)).await;
    assert!(matches!(again, Err(ResumeError::NotFound)), "deleted after use: {again:?}");
}

#[tokio::test]
async fn the_account_is_stored_only_as_a_keyed_hash_and_the_draft_only_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path());
    drafts.save_json("account-41", &draft(), at(0)).await.unwrap();
    let (mut stored, sealed): (Vec<u8>, Vec<u8>) = drafts
        .store
        .call(|conn| {
            conn.query_row("SELECT account_hash, sealed FROM resume_drafts", [], |r| Ok((r.get(0)?, r.get(1)?)))
        })
        .await
        .unwrap();
    stored.extend(sealed);
    for needle in ["account-41", "Придумкина", "Василиса", "document"] {
        assert!(!stored.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} readable");
    }
    // Another kiosk (another resume.key) cannot open it even with the row and the right code.
    let elsewhere = tempfile::tempdir().unwrap();
    let other = Drafts::open(drafts.store.clone(), elsewhere.path(), DEFAULT_KEEP).unwrap();
    assert_ne!(other.account_hash("account-41"), drafts.account_hash("account-41"));
}

#[tokio::test]
async fn five_wrong_codes_delete_the_draft_even_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let code = open(dir.path()).save_json("account-7", &draft(), at(0)).await.unwrap();
    let wrong = if code.0.starts_with('A') { "CCCCCCCC" } else { "AAAAAAAA" };
    for tries_left in (1..MAX_WRONG).rev() {
        let drafts = open(dir.path()); // a restart between tries changes nothing
        let answer = drafts.restore("account-7", wrong, at(1)).await;
        assert!(matches!(answer, Err(ResumeError::WrongCode { tries_left: t }) if t == tries_left), "{answer:?}");
    }
    let drafts = open(dir.path());
    assert!(matches!(drafts.restore("account-7", wrong, at(1)).await, Err(ResumeError::Deleted)));
    let right_too_late = drafts.restore("account-7", &code.display(), at(1)).await;
    assert!(matches!(right_too_late, Err(ResumeError::NotFound)), "{right_too_late:?}");
}

#[tokio::test]
async fn drafts_expire_after_the_configured_time_and_are_purged() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path());
    let code = drafts.save("account-1", b"invented draft one", at(0)).await.unwrap();
    drafts.save("account-2", b"invented draft two", at(20)).await.unwrap();
    assert_eq!(drafts.purge_expired(at(23)).await.unwrap(), 0);
    assert_eq!(drafts.purge_expired(at(24)).await.unwrap(), 1, "24 h after saving");
    assert!(matches!(drafts.restore("account-1", &code.display(), at(24)).await, Err(ResumeError::NotFound)));
    assert!(drafts.waiting_for("account-2", at(24)).await.unwrap());
    let short = Drafts::open(drafts.store.clone(), dir.path(), Duration::from_secs(3600)).unwrap();
    let code = short.save("account-3", b"invented draft three", at(0)).await.unwrap();
    let expired = short.restore("account-3", &code.display(), at(1)).await;
    assert!(matches!(expired, Err(ResumeError::NotFound)), "an expired draft is gone at restore: {expired:?}");
}

#[tokio::test]
async fn saving_again_replaces_the_accounts_draft_and_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path());
    let first = drafts.save("account-9", b"first", at(0)).await.unwrap();
    let second = drafts.save("account-9", b"second", at(0)).await.unwrap();
    if first.0.as_str() != second.0.as_str() {
        let stale = drafts.restore("account-9", &first.display(), at(0)).await;
        assert!(matches!(stale, Err(ResumeError::WrongCode { .. })), "{stale:?}");
    }
    assert_eq!(drafts.restore("account-9", &second.display(), at(0)).await.unwrap().as_slice(), b"second");
}
