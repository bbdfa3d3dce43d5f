//! Invented applications for demonstrations, tests, benchmarks and the sample page images in docs/forms.
//! None of these people, documents, places or organisations exist.

use chrono::{NaiveDate, TimeZone, Utc};
use pdo_core::api::{
    AccountKind, Applicant, Application, ApplicationSource, ApplicationStatus, CertificateGroup, Child, Document,
    Institution, NextAction, Operator, Passport,
};
use pdo_core::domain::DocumentKind;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// The sample's institutions: invented, like the demo registry's (the kiosk is built without that registry too).
const INSTITUTIONS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "inst-1",
        "Дом детского творчества «Радуга» (демо)",
        "г. Примерный, ул. Вымышленная, д. 10",
        "+7 900 000-00-01",
        "пн–пт 9:00–18:00",
    ),
    (
        "inst-2",
        "Станция юных техников «Орбита» (демо)",
        "г. Примерный, пр. Условный, д. 3",
        "+7 900 000-00-02",
        "пн–сб 10:00–19:00",
    ),
    (
        "inst-3",
        "Детско-юношеская спортивная школа «Старт» (демо)",
        "пос. Учебный, ул. Спортивная, д. 1",
        "+7 900 000-00-03",
        "вт–сб 9:00–17:00",
    ),
];

fn institutions() -> Vec<Institution> {
    INSTITUTIONS
        .iter()
        .map(|(id, name, address, phone, hours)| Institution {
            id: (*id).into(),
            name: (*name).into(),
            address: (*address).into(),
            phone: Some((*phone).into()),
            hours: Some((*hours).into()),
        })
        .collect()
}

fn operator() -> Operator {
    Operator {
        name: "Региональный модельный центр дополнительного образования детей (демонстрационный оператор)".into(),
        address: "650000, г. Примерный, ул. Вымышленная, д. 1".into(),
    }
}

fn group() -> CertificateGroup {
    CertificateGroup { id: "5-18".into(), title: "Дети в возрасте от 5 до 18 лет".into() }
}

fn birth_certificate() -> Document {
    Document {
        id: "doc-bc-1".into(),
        kind: DocumentKind::BirthCertificate,
        series: "IV-ЛО".into(),
        number: "517204".into(),
        issued_on: day(2016, 6, 2),
        issued_by: "Отдел ЗАГС Примерного городского округа (демо)".into(),
        division_code: None,
        has_scan: true,
    }
}

/// A parent applying for a ten-year-old with a birth certificate; everything short.
pub fn parent() -> Application {
    let child = Child {
        id: "child-1".into(),
        last_name: "Зарубина".into(),
        first_name: "Есения".into(),
        patronymic: Some("Игоревна".into()),
        birth_date: day(2016, 5, 14),
        snils: "123-456-789 64".into(),
        address: "г. Примерный, ул. Вымышленная, д. 12, кв. 7".into(),
        documents: vec![birth_certificate()],
    };
    Application {
        id: "app-1".into(),
        number: "2026-000123".into(),
        status: ApplicationStatus::CertificateIssued,
        next_action: NextAction::PrintForms,
        document: Some(birth_certificate()),
        child,
        applicant: Applicant {
            last_name: "Зарубина".into(),
            first_name: "Алевтина".into(),
            patronymic: Some("Тимофеевна".into()),
            birth_date: day(1988, 9, 30),
            passport: Passport {
                kind: DocumentKind::Passport,
                series: "3210".into(),
                number: "654321".into(),
                issued_on: day(2015, 3, 12),
                issued_by: "Отделение по вопросам миграции (демо)".into(),
                division_code: "420-001".into(),
            },
            address: "г. Примерный, ул. Вымышленная, д. 12, кв. 7".into(),
            phone: "+7 900 000-12-34".into(),
        },
        applicant_kind: AccountKind::Parent,
        email: "zarubina.demo@example.org".into(),
        email_confirmed_at: Some(Utc.with_ymd_and_hms(2026, 11, 20, 5, 10, 0).unwrap()),
        certificate_group: Some(group()),
        registry_record: Some("4207000002".into()),
        institutions: institutions(),
        operator: operator(),
        created_at: Utc.with_ymd_and_hms(2026, 11, 20, 5, 0, 0).unwrap(),
        source: ApplicationSource::Online,
    }
}

/// Everything as long as validation lets it be: names of many parts, 300-character addresses, an e-mail address
/// longer than a line, a fifteen-year-old with a passport (and a birth certificate) and many institutions.
pub fn parent_long() -> Application {
    let mut app = parent();
    app.number = "2026-987654".into();
    app.registry_record = Some("4207012345".into());
    let long_address = "Кемеровская область\u{a0}— Кузбасс, Примерный муниципальный округ, посёлок городского типа \
        Верхне-Вымышленский, микрорайон Новостроек-Солнечный-Дальний, улица Имени Первооткрывателей Кузнецкого \
        Угольного Бассейна, дом 145, корпус 3, строение 2, подъезд 4, этаж 9, квартира 1087 (демо)";
    app.child.last_name = "Константинопольская-Преображенская".into();
    app.child.first_name = "Анастасия-Виктория".into();
    app.child.patronymic = Some("Вильгельмовна-Александровна".into());
    app.child.birth_date = day(2011, 1, 9);
    app.child.address = long_address.into();
    let passport = Document {
        id: "doc-p-2".into(),
        kind: DocumentKind::Passport,
        series: "3225".into(),
        number: "908172".into(),
        issued_on: day(2025, 1, 20),
        issued_by: "Отдел по вопросам миграции Межмуниципального управления внутренних дел «Примерное-Учебное» \
            (демонстрационное подразделение)"
            .into(),
        division_code: Some("420-017".into()),
        has_scan: true,
    };
    app.child.documents = vec![passport.clone(), birth_certificate()];
    app.document = Some(passport);
    app.applicant.last_name = "Константинопольская-Преображенская".into();
    app.applicant.first_name = "Елизавета-Александра".into();
    app.applicant.patronymic = Some("Святославовна-Вильгельмовна".into());
    app.applicant.address = long_address.into();
    app.applicant.passport.issued_by = "Главное управление по вопросам миграции Министерства внутренних дел по \
        Примерному краю в Верхне-Вымышленском муниципальном округе (демонстрационное подразделение)"
        .into();
    app.email =
        "elizaveta.aleksandra.konstantinopolskaya.preobrazhenskaya.2026@pochta-primernogo-kraya.example.org".into();
    let mut many = institutions();
    for i in 4..=9 {
        many.push(Institution {
            id: format!("inst-{i}"),
            name: format!(
                "Муниципальное бюджетное учреждение дополнительного образования «Центр детского и юношеского \
                 технического, художественного и спортивного творчества №\u{a0}{i}» Примерного муниципального округа \
                 (демо)"
            ),
            address: format!("пгт Верхне-Вымышленский, ул. Первооткрывателей, д. {}, корпус {i} (демо)", 10 + i),
            phone: Some(format!("+7 900 000-00-{i:02}")),
            hours: Some("пн–пт 8:30–19:00, сб 10:00–16:00, вс и праздничные дни выходной".into()),
        });
    }
    app.institutions = many;
    app
}

/// A sixteen-year-old applying for themself with their own passport.
pub fn self_applicant() -> Application {
    let mut app = parent();
    app.number = "2026-000456".into();
    app.registry_record = Some("4207000017".into());
    app.applicant_kind = AccountKind::Child;
    let passport = Document {
        id: "doc-p-3".into(),
        kind: DocumentKind::Passport,
        series: "3224".into(),
        number: "112233".into(),
        issued_on: day(2024, 3, 15),
        issued_by: "Отделение по вопросам миграции (демо)".into(),
        division_code: Some("420-002".into()),
        has_scan: true,
    };
    app.child = Child {
        id: "child-3".into(),
        last_name: "Зарубин".into(),
        first_name: "Еремей".into(),
        patronymic: Some("Святославович".into()),
        birth_date: day(2010, 3, 2),
        snils: "123-456-789 64".into(),
        address: "г. Примерный, пр. Условный, д. 5, кв. 31".into(),
        documents: vec![passport.clone()],
    };
    app.document = Some(passport.clone());
    app.applicant = Applicant {
        last_name: "Зарубин".into(),
        first_name: "Еремей".into(),
        patronymic: Some("Святославович".into()),
        birth_date: day(2010, 3, 2),
        passport: Passport {
            kind: DocumentKind::Passport,
            series: passport.series.clone(),
            number: passport.number.clone(),
            issued_on: passport.issued_on,
            issued_by: passport.issued_by.clone(),
            division_code: "420-002".into(),
        },
        address: "г. Примерный, пр. Условный, д. 5, кв. 31".into(),
        phone: "+7 900 000-45-67".into(),
    };
    app.email = "eremey.demo@example.org".into();
    app
}

/// Taken at a kiosk with no connection to the registry: no registry record yet.
pub fn offline() -> Application {
    let mut app = parent();
    app.number = "K07-000042".into();
    app.status = ApplicationStatus::AwaitingClaim;
    app.next_action = NextAction::None;
    app.source = ApplicationSource::KioskOffline;
    app.registry_record = None;
    app.email_confirmed_at = None;
    app
}

/// All of them, with a short name each.
pub fn all() -> Vec<(&'static str, Application)> {
    vec![("parent", parent()), ("parent-long", parent_long()), ("self", self_applicant()), ("offline", offline())]
}
