//! The privacy wipe against the raw files: a draft, a queued application and a temp scan, all invented, are put on
//! the kiosk; after the wipe no byte of them is left anywhere in the data dir, the WAL included.

use pdo_core::api::{KioskConfig, KioskInfo, NumberBlock, PublicKey};
use pdo_kiosk::paths::Paths;
use pdo_kiosk::session::{Drafts, resume};
use pdo_kiosk::staff::{Queue, wipe};
use pdo_kiosk::store::Store;
use pdo_kiosk::sync::invented;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

/// Which needles (by label) occur anywhere under `dir`.
fn found_in(dir: &Path, needles: &[(&str, Vec<u8>)]) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, bytes) in files(dir) {
        for (label, needle) in needles {
            if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                hits.push(format!("{label} in {}", path.display()));
            }
        }
    }
    hits
}

#[derive(serde::Serialize)]
struct InventedDraft {
    child_last_name: &'static str,
    child_first_name: &'static str,
    note: &'static str,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wipe_leaves_no_byte_of_a_draft_a_queued_application_or_a_temp_scan() {
    let data = tempfile::tempdir().unwrap();
    let paths = Paths::resolve(Some(data.path().join("kiosk.toml")), Some(data.path().to_path_buf())).unwrap();
    let store = Store::open(&paths.store()).unwrap();
    let (_secret, public) = pdo_core::sealed::generate();
    store
        .save_kiosk_config(&KioskConfig {
            kiosk: KioskInfo {
                id: "k-wipe".into(),
                name: "Т".into(),
                address: "А".into(),
                municipality: "demo-02".into(),
            },
            public_keys: vec![PublicKey { key_id: "k1".into(), public_key: public }],
            operator: None,
            number_block: NumberBlock { from: "9100".into(), to: "9199".into() },
        })
        .await
        .unwrap();
    let key = store.sealing_key().await.unwrap();
    let number = store.take_number().await.unwrap();
    let submission = store.enqueue(&invented::payload("k-wipe", "wipe-sub-1", &number, 64 * 1024), &key).await.unwrap();
    let sealed = store.sealed(&submission).await.unwrap().unwrap();

    let drafts = Drafts::open(store.clone(), &paths.data_dir, resume::DEFAULT_KEEP).unwrap();
    let draft =
        InventedDraft {
            child_last_name: "Небылицына", child_first_name: "Агния", note: "invented-draft-marker-7f3a"
        };
    drafts.save_json("account-wipe", &draft, chrono::Utc::now()).await.unwrap();
    let draft_box: Vec<u8> =
        store.call(|conn| conn.query_row("SELECT sealed FROM resume_drafts", [], |r| r.get(0))).await.unwrap();

    std::fs::create_dir_all(paths.temp()).unwrap();
    let scan = invented::scan(32 * 1024, 424_242);
    std::fs::write(paths.temp().join("capture-1.jpg"), &scan).unwrap();

    let needles: Vec<(&str, Vec<u8>)> = vec![
        ("applicant name", invented::APPLICANT_LAST_NAME.as_bytes().to_vec()),
        ("child name", invented::CHILD_FIRST_NAME.as_bytes().to_vec()),
        ("draft name", draft.child_last_name.as_bytes().to_vec()),
        ("draft marker", draft.note.as_bytes().to_vec()),
        ("temp scan", scan[10_000..10_048].to_vec()),
        ("sealed application", sealed[30_000..30_048].to_vec()),
        ("encrypted draft", draft_box[draft_box.len() / 2..draft_box.len() / 2 + 24].to_vec()),
    ];
    // The search does see what is there: the sealed and encrypted bytes and the temp scan before the wipe.
    let before = found_in(data.path(), &needles);
    for label in ["temp scan", "sealed application", "encrypted draft"] {
        assert!(before.iter().any(|hit| hit.starts_with(label)), "{label} not found before the wipe: {before:#?}");
    }
    assert!(!before.iter().any(|hit| hit.contains("name") || hit.contains("marker")), "clear text: {before:#?}");

    let report = wipe::check(&store, &paths).await.unwrap();
    assert_eq!((report.drafts, report.queued, report.temp_files.len()), (1, 1, 1));
    assert!(!report.clean());

    let kept = wipe::wipe(&store, &paths, Queue::Keep).await.unwrap();
    assert_eq!((kept.drafts, kept.queued, kept.temp_files.len(), kept.wal_bytes), (0, 1, 0, 0), "{kept:?}");
    let after_keep = found_in(data.path(), &needles);
    assert!(after_keep.iter().all(|hit| hit.starts_with("sealed application")), "{after_keep:#?}");

    let discarded = wipe::wipe(&store, &paths, Queue::Discard).await.unwrap();
    assert!(discarded.clean(), "{discarded:?}");
    let after = found_in(data.path(), &needles);
    assert!(after.is_empty(), "left after the wipe: {after:#?}");
}

#[tokio::test]
async fn a_table_the_check_does_not_know_is_reported() {
    let data = tempfile::tempdir().unwrap();
    let paths = Paths::resolve(Some(data.path().join("kiosk.toml")), Some(data.path().to_path_buf())).unwrap();
    let store = Store::open(&paths.store()).unwrap();
    assert!(wipe::check(&store, &paths).await.unwrap().clean());
    store
        .call(|conn| conn.execute_batch("CREATE TABLE scratch (text TEXT); INSERT INTO scratch VALUES ('invented');"))
        .await
        .unwrap();
    let report = wipe::check(&store, &paths).await.unwrap();
    assert_eq!(report.unclassified_tables, ["scratch"]);
    assert!(!report.clean());
}
