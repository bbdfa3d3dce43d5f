//! The three printed documents, read back the way a person (and poppler) reads them: every fact of the application
//! is in the text, fonts are embedded subsets, nothing runs off the text column, the QR code decodes to the number,
//! and each file is small. Needs poppler-utils and zbar-tools (`scripts/install-deps.sh test`).

use pdo_core::api::Application;
use pdo_kiosk::print::demo;
use pdo_kiosk::print::forms::{self, FormKind, Forms, date};
use pdo_kiosk::print::layout::{self, Fonts, MARGINS};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load().expect("bundled fonts"))
}

struct Rendered {
    _dir: tempfile::TempDir,
    paths: Vec<(FormKind, PathBuf)>,
    forms: Forms,
}

impl Rendered {
    fn path(&self, kind: FormKind) -> &Path {
        &self.paths.iter().find(|(k, _)| *k == kind).unwrap().1
    }

    fn text(&self, kind: FormKind) -> String {
        run("pdftotext", &[self.path(kind).to_str().unwrap(), "-"])
    }
}

fn render(app: &Application) -> Rendered {
    let forms = forms::render_all(app, fonts()).expect("forms render");
    let dir = tempfile::tempdir().unwrap();
    let paths = forms
        .iter()
        .map(|(kind, pdf)| {
            let path = dir.path().join(kind.file_name());
            std::fs::write(&path, pdf).unwrap();
            (kind, path)
        })
        .collect();
    Rendered { _dir: dir, paths, forms }
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (scripts/install-deps.sh test): {e}"));
    assert!(out.status.success(), "{cmd} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Text with every kind of whitespace removed, so a value wrapped over lines still matches.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect()
}

#[track_caller]
fn assert_has(text: &str, what: &str, fact: &str) {
    assert!(squash(text).contains(&squash(fact)), "{what} lacks «{fact}»; its text:\n{text}");
}

#[track_caller]
fn assert_lacks(text: &str, what: &str, fact: &str) {
    assert!(!squash(text).contains(&squash(fact)), "{what} must not contain «{fact}»; its text:\n{text}");
}

fn name(last: &str, first: &str, patronymic: &Option<String>) -> String {
    forms::full_name(last, first, patronymic.as_deref())
}

/// Facts both the application and the consent carry about the applicant.
fn applicant_facts(app: &Application) -> Vec<String> {
    let a = &app.applicant;
    let p = &a.passport;
    vec![
        name(&a.last_name, &a.first_name, &a.patronymic),
        a.address.clone(),
        p.series.clone(),
        p.number.clone(),
        date(p.issued_on),
        p.issued_by.clone(),
        p.division_code.clone(),
    ]
}

fn child_facts(app: &Application) -> Vec<String> {
    let c = &app.child;
    vec![name(&c.last_name, &c.first_name, &c.patronymic), date(c.birth_date), c.address.clone()]
}

fn document_facts(doc: &pdo_core::api::Document) -> Vec<String> {
    let mut facts = vec![doc.series.clone(), doc.number.clone(), date(doc.issued_on), doc.issued_by.clone()];
    facts.extend(doc.division_code.clone());
    facts
}

const OPERATIONS: [&str; 13] = [
    "сбор",
    "запись",
    "систематизация",
    "накопление",
    "хранение",
    "уточнение (обновление, изменение)",
    "извлечение",
    "использование",
    "передача третьим лицам",
    "обезличивание",
    "блокирование",
    "удаление",
    "уничтожение",
];

fn check_application(app: &Application, text: &str) {
    let what = "the application";
    assert_has(
        text,
        what,
        &format!(
            "ЗАЯВЛЕНИЕ о предоставлении сертификата дополнительного образования и регистрации в реестре сертификатов \
             дополнительного образования № {}",
            app.number
        ),
    );
    for fact in child_facts(app) {
        assert_has(text, what, &fact);
    }
    for fact in document_facts(app.document.as_ref().unwrap()) {
        assert_has(text, what, &fact);
    }
    assert_has(text, what, &app.applicant.phone);
    assert_has(text, what, &app.email);
    if let Some(group) = &app.certificate_group {
        assert_has(text, what, &format!("категории: {}", group.title));
    }
    assert_has(text, what, "ознакомлен(а)");
    assert_has(text, what, "условиями предоставления, использования и прекращения действия сертификата");
    assert_has(text, what, "правилами персонифицированного финансирования дополнительного образования детей");
    assert_has(text, what, "в течение 20 рабочих дней");
    assert_has(text, what, "(подпись)");
    assert_has(text, what, "«» 20 г.");
    assert_has(text, what, &format!("сформировано {}", date(pdo_core::domain::region_today(app.created_at))));
    match &app.registry_record {
        Some(record) => assert_has(text, what, &format!("под номером реестровой записи № {record}")),
        None => {
            assert_has(text, what, "под номером реестровой записи №");
            assert_has(text, what, &format!("направлен на адрес электронной почты {}", app.email));
            assert_has(text, what, pdo_core::letters::CLAIM_SUBJECT);
            assert_has(text, what, "(придёт по электронной почте)");
        }
    }
}

fn check_consent(app: &Application, text: &str) {
    let what = "the consent";
    assert_has(text, what, "СОГЛАСИЕ на обработку персональных данных");
    assert_has(text, what, "статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных»");
    assert_has(text, what, &app.operator.name);
    assert_has(text, what, &app.operator.address);
    assert_has(text, what, &format!("указанных в заявлении № {}", app.number));
    assert_has(text, what, "персонифицированный учёт детей в системе дополнительного образования");
    assert_has(text, what, "с использованием средств автоматизации и без их использования");
    for op in OPERATIONS {
        assert_has(text, what, op);
    }
    assert_has(text, what, &OPERATIONS.join(", "));
    assert_has(text, what, "со дня его подписания до истечения сроков хранения");
    assert_has(text, what, "отозвано мною в любое время на основании письменного заявления");
    assert_has(text, what, "Перечень персональных данных");
    assert_has(text, what, "(подпись)");
}

fn check_activation(app: &Application, text: &str) {
    let what = "the activation sheet";
    assert_has(text, what, "ПАМЯТКА об активации сертификата дополнительного образования");
    assert_has(text, what, "заявление и согласие на обработку персональных данных, распечатанные и подписанные");
    assert_has(text, what, "свой паспорт");
    assert_has(text, what, "документ, подтверждающий регистрацию по месту жительства");
    assert_has(text, what, "их распечатают в организации");
    assert!(!app.institutions.is_empty());
    for inst in &app.institutions {
        assert_has(text, what, &inst.name);
        assert_has(text, what, &inst.address);
        assert_has(text, what, inst.phone.as_deref().unwrap());
        assert_has(text, what, inst.hours.as_deref().unwrap());
    }
    match &app.registry_record {
        Some(record) => {
            assert_has(text, what, &format!("Номер реестровой записи сертификата {record}"));
            assert_has(text, what, "QR-код номера реестровой записи");
        }
        None => {
            assert_has(text, what, &format!("Номер заявления {}", app.number));
            assert_has(text, what, "QR-код номера заявления");
            assert_has(text, what, &format!("придёт на адрес электронной почты {}", app.email));
        }
    }
}

#[test]
fn parent_with_a_birth_certificate_child() {
    let app = demo::parent();
    let r = render(&app);
    let application = r.text(FormKind::Application);
    check_application(&app, &application);
    for fact in applicant_facts(&app) {
        assert_has(&application, "the application", &fact);
    }
    assert_has(&application, "the application", "являясь родителем (законным представителем) ребёнка");
    assert_has(&application, "the application", "свидетельство о рождении: серия IV-ЛО № 517204");
    assert_has(&application, "the application", "Сведения о заявителе (родителе, законном представителе)");
    assert_has(&application, "the application", "Зарубина А. Т.");

    let consent = r.text(FormKind::Consent);
    check_consent(&app, &consent);
    for fact in applicant_facts(&app).into_iter().chain(child_facts(&app)) {
        assert_has(&consent, "the consent", &fact);
    }
    assert_has(
        &consent,
        "the consent",
        "на основании документа, подтверждающего полномочия законного представителя: свидетельство о рождении: \
         серия IV-ЛО № 517204, выдано 02.06.2016",
    );
    assert_has(&consent, "the consent", "моих персональных данных и персональных данных указанного ребёнка");

    let activation = r.text(FormKind::Activation);
    check_activation(&app, &activation);
    assert_has(&activation, "the activation sheet", "свидетельство о рождении ребёнка (с 14 лет — паспорт ребёнка)");
    assert_has(&activation, "the activation sheet", "только если ребёнок не посещает ни детский сад, ни школу");
    assert_has(&activation, "the activation sheet", "Ребёнок: Зарубина Есения Игоревна, дата рождения 14.05.2016");
    assert_has(&activation, "the activation sheet", "Заявитель: Зарубина Алевтина Тимофеевна");
}

#[test]
fn very_long_names_and_addresses_wrap_and_stay_inside_the_column() {
    let app = demo::parent_long();
    let r = render(&app);
    let application = r.text(FormKind::Application);
    check_application(&app, &application);
    for fact in applicant_facts(&app) {
        assert_has(&application, "the application", &fact);
    }
    let consent = r.text(FormKind::Consent);
    check_consent(&app, &consent);
    for fact in applicant_facts(&app).into_iter().chain(child_facts(&app)) {
        assert_has(&consent, "the consent", &fact);
    }
    // The child has a passport: the birth certificate is still what makes the parent their representative.
    assert_has(&consent, "the consent", "подтверждающего полномочия законного представителя: свидетельство о рождении");
    let activation = r.text(FormKind::Activation);
    check_activation(&app, &activation);
    assert_has(&activation, "the activation sheet", "паспорт ребёнка;");

    // Nine institutions do not fit on one page: the sheet goes on to a second one, numbered.
    assert!(pages(r.path(FormKind::Activation)) >= 2, "the long activation sheet should break onto a new page");
    assert_has(&activation, "the activation sheet", "страница 2 из");
    for (kind, path) in &r.paths {
        assert_inside_column(*kind, path);
    }
}

#[test]
fn short_forms_fit_on_one_page_each_and_stay_inside_the_column() {
    let r = render(&demo::parent());
    for (kind, path) in &r.paths {
        assert_eq!(pages(path), 1, "{kind:?} of a short application should be one page");
        assert_inside_column(*kind, path);
    }
}

#[test]
fn a_child_of_fourteen_applies_for_themself() {
    let app = demo::self_applicant();
    let r = render(&app);
    let passport = app.document.as_ref().unwrap();
    let application = r.text(FormKind::Application);
    check_application(&app, &application);
    assert_has(&application, "the application", "Я, Зарубин Еремей Святославович, прошу зарегистрировать меня");
    assert_has(&application, "the application", "и предоставить мне сертификат");
    assert_has(&application, "the application", "Сведения о заявителе (обучающемся)");
    assert_has(&application, "the application", "паспорт гражданина Российской Федерации: серия 3224 № 112233");
    assert_lacks(&application, "the application", "родителем");
    assert_lacks(&application, "the application", "Сведения о ребёнке");

    let consent = r.text(FormKind::Consent);
    check_consent(&app, &consent);
    for fact in child_facts(&app).into_iter().chain(document_facts(passport)) {
        assert_has(&consent, "the consent", &fact);
    }
    assert_has(&consent, "the consent", "на обработку моих персональных данных, указанных в заявлении");
    assert_lacks(&consent, "the consent", "родителем");
    assert_lacks(&consent, "the consent", "законного представителя");
    assert_lacks(&consent, "the consent", "свидетельство о рождении");

    let activation = r.text(FormKind::Activation);
    check_activation(&app, &activation);
    assert_has(&activation, "the activation sheet", "Обучающийся: Зарубин Еремей Святославович");
    assert_has(&activation, "the activation sheet", "только если вы не учитесь в школе");
    assert_lacks(&activation, "the activation sheet", "Заявитель:");
    assert_lacks(&activation, "the activation sheet", "свидетельство о рождении");
    assert_lacks(&activation, "the activation sheet", "детский сад");
}

#[test]
fn an_offline_application_has_no_registry_record_and_its_qr_carries_the_application_number() {
    let app = demo::offline();
    let r = render(&app);
    let application = r.text(FormKind::Application);
    check_application(&app, &application);
    check_consent(&app, &r.text(FormKind::Consent));
    let activation = r.text(FormKind::Activation);
    check_activation(&app, &activation);
    assert_lacks(&application, "the application", "4207000002");
    assert_lacks(&activation, "the activation sheet", "4207000002");
    assert_has(&application, "the application", "сформировано 20.11.2026 терминалом самообслуживания");
    assert_eq!(qr_payload(r.path(FormKind::Activation)), app.number);
}

#[test]
fn the_qr_code_carries_the_registry_record() {
    let app = demo::parent();
    let r = render(&app);
    assert_eq!(qr_payload(r.path(FormKind::Activation)), "4207000002");
}

#[test]
fn fonts_are_embedded_subsets_and_files_are_small() {
    for (name, app) in demo::all() {
        let r = render(&app);
        for (kind, path) in &r.paths {
            let size = r.forms.get(*kind).len();
            assert!(size <= 100 * 1024, "{name}/{kind:?} is {size} bytes, over 100 KB");
            let listing = run("pdffonts", &[path.to_str().unwrap()]);
            let rows: Vec<&str> = listing.lines().skip(2).collect();
            assert!(!rows.is_empty(), "{name}/{kind:?} has no fonts:\n{listing}");
            for row in &rows {
                let cols: Vec<&str> = row.split_whitespace().collect();
                // name type… encoding emb sub uni object ID: emb/sub/uni are the 5th–3rd from the end.
                let n = cols.len();
                assert!(n >= 7, "unexpected pdffonts row: {row}");
                assert_eq!(
                    (cols[n - 5], cols[n - 4]),
                    ("yes", "yes"),
                    "{name}/{kind:?} font not an embedded subset: {row}"
                );
                assert_eq!(cols[n - 3], "yes", "{name}/{kind:?} font has no ToUnicode map: {row}");
                assert!(cols[0].contains("+"), "a subset font's name has a tag: {row}");
            }
            assert!(rows.iter().any(|r| r.contains("Bold")), "{name}/{kind:?} should use the bold face:\n{listing}");
        }
    }
}

#[test]
fn missing_category_and_document_leave_lines_to_fill_by_hand() {
    let mut app = demo::parent();
    app.certificate_group = None;
    app.document = None;
    app.child.documents.clear();
    let r = render(&app);
    let text = r.text(FormKind::Application);
    assert_has(&text, "the application", "Документ, удостоверяющий личность:");
    assert_lacks(&text, "the application", "свидетельство о рождении");
    let consent = r.text(FormKind::Consent);
    assert_has(&consent, "the consent", "(свидетельство о рождении ребёнка: серия, номер, дата выдачи, кем выдано)");
    for (kind, path) in &r.paths {
        assert_inside_column(*kind, path);
    }
}

fn pages(path: &Path) -> usize {
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

/// Every word's box (pdftotext -bbox) lies within the margins, footers within the bottom margin.
fn assert_inside_column(kind: FormKind, path: &Path) {
    let html = run("pdftotext", &["-bbox", path.to_str().unwrap(), "-"]);
    let pt = layout::mm;
    let (left, right) = (pt(MARGINS.left) - 0.5, pt(layout::PAGE_WIDTH_MM - MARGINS.right) + 0.5);
    let (top, bottom) = (pt(MARGINS.top) - 12.0, pt(layout::PAGE_HEIGHT_MM - MARGINS.bottom) + 4.0);
    let mut words = 0;
    for line in html.lines().filter(|l| l.trim_start().starts_with("<word ")) {
        let attr = |name: &str| -> f32 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        };
        let word = line.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("");
        let (x0, x1, y0, y1) = (attr("xMin"), attr("xMax"), attr("yMin"), attr("yMax"));
        words += 1;
        assert!(x0 >= left && x1 <= right, "{kind:?}: «{word}» runs out of the column: x {x0:.1}–{x1:.1}");
        let footer = y0 > pt(layout::PAGE_HEIGHT_MM - MARGINS.bottom);
        if footer {
            assert!(y1 <= pt(layout::PAGE_HEIGHT_MM - 5.0), "{kind:?}: footer «{word}» too low");
        } else {
            assert!(y0 >= top && y1 <= bottom, "{kind:?}: «{word}» outside the page's margins: y {y0:.1}–{y1:.1}");
        }
    }
    assert!(words > 50, "{kind:?}: too few words found ({words})");
}

/// Decodes the activation sheet's QR code from a 150 dpi image of its first page.
fn qr_payload(pdf: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    run("pdftoppm", &["-png", "-r", "150", "-f", "1", "-l", "1", pdf.to_str().unwrap(), prefix.to_str().unwrap()]);
    let image = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    let out = run("zbarimg", &["--quiet", "--raw", image.to_str().unwrap()]);
    out.trim().to_string()
}
