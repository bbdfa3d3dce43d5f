//! Invented accounts for demonstrations and tests (`--demo`). None of these people exist.

use crate::accounts;
use pdo_core::domain::AccountKind;
use rusqlite::Connection;

pub struct DemoAccount {
    pub login: &'static str,
    pub password: &'static str,
    pub kind: AccountKind,
    pub full_name: &'static str,
}

/// Shown on the demo kiosk's sign-in screen, so anyone can try the flow.
pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login: "demo.roditel",
        password: "kuzbass-2026",
        kind: AccountKind::Parent,
        full_name: "Зарубина Алевтина Тимофеевна",
    },
    DemoAccount {
        login: "demo.podrostok",
        password: "kuzbass-2026",
        kind: AccountKind::Child,
        full_name: "Зарубин Еремей Святославович",
    },
];

/// Adds the demo accounts that are not there yet; safe to run on every start.
pub fn seed(conn: &Connection) -> anyhow::Result<()> {
    for demo in ACCOUNTS {
        if !accounts::account_exists(conn, demo.login)? {
            accounts::create_account(conn, demo.login, demo.password, demo.kind, demo.full_name, chrono::Utc::now())?;
        }
    }
    Ok(())
}
