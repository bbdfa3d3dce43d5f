//! The kiosk an office installs is built without the demo (`--no-default-features`): no registry server inside, so
//! no axum, argon2-hashed public demo accounts, lettre or utoipa. Read from cargo's own dependency tree.

use std::process::Command;

fn normal_tree(features: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "-p", "pdo-kiosk", "-e", "normal,build", "--prefix", "none", "--offline"])
        .args(features)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn has(tree: &str, krate: &str) -> bool {
    tree.lines().any(|line| line.split_whitespace().next() == Some(krate))
}

#[test]
fn the_kiosk_without_the_demo_carries_no_server() {
    let without = normal_tree(&["--no-default-features"]);
    for server in ["pdo-registry", "axum", "lettre", "utoipa", "utoipa-axum"] {
        assert!(!has(&without, server), "{server} is in the kiosk built without the demo");
    }
    assert!(has(&without, "pdo-core") && has(&without, "iced"), "the tree was read: {without:.300}");
    let with = normal_tree(&[]);
    assert!(has(&with, "pdo-registry") && has(&with, "axum"), "the default build embeds the demo registry");
}
