//! Invented accounts and reference data for demonstrations and tests (`--demo`). None of these people, places or
//! organisations exist.

use crate::accounts;
use crate::sqlite::{SqliteStorage, reference};
use crate::storage::StoreResult;
use pdo_core::api::Operator;
use pdo_core::domain::AccountKind;
use rusqlite::params;

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

pub const GROUPS: &[(&str, &str)] = &[("5-18", "Дети в возрасте от 5 до 18 лет")];

pub const MUNICIPALITIES: &[(&str, &str)] =
    &[("demo-01", "Примерный городской округ (демо)"), ("demo-02", "Учебный муниципальный округ (демо)")];

/// (id, municipality, name, address, phone, hours)
pub const INSTITUTIONS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "inst-1",
        "demo-01",
        "Дом детского творчества «Радуга» (демо)",
        "г. Примерный, ул. Вымышленная, д. 10",
        "+7 900 000-00-01",
        "пн–пт 9:00–18:00",
    ),
    (
        "inst-2",
        "demo-01",
        "Станция юных техников «Орбита» (демо)",
        "г. Примерный, пр. Условный, д. 3",
        "+7 900 000-00-02",
        "пн–сб 10:00–19:00",
    ),
    (
        "inst-3",
        "demo-02",
        "Детско-юношеская спортивная школа «Старт» (демо)",
        "пос. Учебный, ул. Спортивная, д. 1",
        "+7 900 000-00-03",
        "вт–сб 9:00–17:00",
    ),
];

pub const OPERATOR: (&str, &str) = (
    "Региональный модельный центр дополнительного образования детей (демонстрационный оператор)",
    "650000, г. Примерный, ул. Вымышленная, д. 1",
);

/// The demo kiosk the embedded registry knows, so the demo can show sign-in by QR code and offline applications.
pub const KIOSK_ID: &str = "demo-kiosk";
/// Invented and public: it only ever opens the demo registry on loopback.
pub const KIOSK_SECRET: &str = "demo-kiosk-secret-not-for-real-use";

/// Adds whatever demo data is not there yet; safe to run on every start.
pub fn seed(storage: &SqliteStorage) -> StoreResult<()> {
    storage.with_conn(|conn| {
        for demo in ACCOUNTS {
            if !accounts::account_exists(conn, demo.login)? {
                accounts::create_account(
                    conn,
                    demo.login,
                    demo.password,
                    demo.kind,
                    demo.full_name,
                    chrono::Utc::now(),
                )?;
            }
        }
        for (id, title) in GROUPS {
            conn.execute("INSERT OR IGNORE INTO certificate_groups (id, title) VALUES (?1, ?2)", params![id, title])?;
        }
        for (code, name) in MUNICIPALITIES {
            conn.execute("INSERT OR IGNORE INTO municipalities (code, name) VALUES (?1, ?2)", params![code, name])?;
        }
        for (id, municipality, name, address, phone, hours) in INSTITUTIONS {
            conn.execute(
                "INSERT OR IGNORE INTO institutions (id, municipality_code, name, address, phone, hours)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, municipality, name, address, phone, hours],
            )?;
        }
        let kiosk_known: bool =
            conn.query_row("SELECT COUNT(*) FROM kiosks WHERE id = ?1", [KIOSK_ID], |r| r.get::<_, i64>(0))? > 0;
        if !kiosk_known {
            let kiosk = pdo_core::api::KioskInfo {
                id: KIOSK_ID.into(),
                name: "Демонстрационный терминал".into(),
                address: "г. Примерный, ул. Вымышленная, д. 1, холл".into(),
                municipality: MUNICIPALITIES[0].0.into(),
            };
            crate::sqlite::kiosks::add_kiosk(conn, &kiosk, &accounts::hash_password(KIOSK_SECRET), chrono::Utc::now())?;
        }
        if reference::operator(conn)?.name.is_empty() {
            reference::set_operator(conn, &Operator { name: OPERATOR.0.into(), address: OPERATOR.1.into() })?;
        }
        Ok(())
    })
}
