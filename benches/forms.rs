//! How fast the forms render: the three documents warm in-process (target: all three in ≤ 10 ms), and the whole
//! `pdo-kiosk print-forms` process; with `typst` on PATH, also `typst compile` of equivalent documents in the same
//! run. `cargo bench -p pdo-kiosk --bench forms` (prints its figures; no harness).

use pdo_core::api::Application;
use pdo_kiosk::print::demo;
use pdo_kiosk::print::forms::{self, FormKind, full_name};
use pdo_kiosk::print::layout::Fonts;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn stats(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = samples.len();
    format!(
        "min {:.2} ms, median {:.2} ms, p90 {:.2} ms, max {:.2} ms (n={n})",
        ms(samples[0]),
        ms(samples[n / 2]),
        ms(samples[(n * 9) / 10]),
        ms(samples[n - 1])
    )
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let started = Instant::now();
    let fonts = Fonts::load().expect("fonts");
    println!("parse both fonts once: {:.2} ms", started.elapsed().as_secs_f64() * 1000.0);

    for (name, app) in demo::all() {
        for _ in 0..5 {
            forms::render_all(&app, &fonts).unwrap();
        }
        let samples: Vec<Duration> = (0..40)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(forms::render_all(&app, &fonts).unwrap());
                t.elapsed()
            })
            .collect();
        let forms = forms::render_all(&app, &fonts).unwrap();
        let sizes: Vec<String> = forms
            .iter()
            .map(|(kind, pdf)| format!("{} {:.1} KB", kind.file_name(), pdf.len() as f64 / 1024.0))
            .collect();
        let verdict = if median(samples.clone()) <= Duration::from_millis(10) { "within" } else { "OVER" };
        println!("render_all {name:<12} {} — {verdict} the 10 ms target; {}", stats(samples), sizes.join(", "));
        if name == "parent" {
            for kind in FormKind::ALL {
                let samples: Vec<Duration> = (0..40)
                    .map(|_| {
                        let t = Instant::now();
                        std::hint::black_box(forms::render(kind, &app, &fonts).unwrap());
                        t.elapsed()
                    })
                    .collect();
                println!("  {:<16} {}", kind.file_name(), stats(samples));
            }
        }
    }

    // Whole process, as an operator or a script would run it.
    let dir = tempfile::tempdir().unwrap();
    let app = demo::parent();
    let input = dir.path().join("app.json");
    std::fs::write(&input, serde_json::to_vec(&app).unwrap()).unwrap();
    let kiosk = env!("CARGO_BIN_EXE_pdo-kiosk");
    let run_kiosk = || {
        let t = Instant::now();
        let out = Command::new(kiosk)
            .args([
                "print-forms",
                "--input",
                input.to_str().unwrap(),
                "--out",
                dir.path().join("out").to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        t.elapsed()
    };
    run_kiosk();
    let kiosk_samples: Vec<Duration> = (0..10).map(|_| run_kiosk()).collect();
    println!("process: pdo-kiosk print-forms (3 PDFs)    {}", stats(kiosk_samples));

    let typst_found = Command::new("typst").arg("--version").output().is_ok_and(|o| o.status.success());
    if !typst_found {
        println!("typst: not on PATH — comparison with `typst compile` skipped");
        return;
    }
    let fonts_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
    let sources: Vec<_> = typst_sources(&app)
        .into_iter()
        .enumerate()
        .map(|(i, src)| {
            let path = dir.path().join(format!("doc{i}.typ"));
            std::fs::write(&path, src).unwrap();
            path
        })
        .collect();
    let run_typst = || {
        let t = Instant::now();
        for src in &sources {
            let out = Command::new("typst")
                .args(["compile", "--font-path", fonts_dir.to_str().unwrap(), src.to_str().unwrap()])
                .arg(src.with_extension("pdf"))
                .output()
                .unwrap();
            assert!(out.status.success(), "typst: {}", String::from_utf8_lossy(&out.stderr));
        }
        t.elapsed()
    };
    run_typst();
    let typst_samples: Vec<Duration> = (0..10).map(|_| run_typst()).collect();
    let sizes: Vec<String> = sources
        .iter()
        .map(|s| format!("{:.1} KB", std::fs::metadata(s.with_extension("pdf")).unwrap().len() as f64 / 1024.0))
        .collect();
    println!("process: typst compile ×3 (same text)      {}; sizes {}", stats(typst_samples), sizes.join(", "));
}

fn esc(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '#' | '[' | ']' | '*' | '_' | '`' | '$' | '<' | '>' | '@' | '\\' | '~' | '/' | '"' | '=' | '-' | '+' => {
                vec!['\\', c]
            }
            c => vec![c],
        })
        .collect()
}

/// The three documents' text with the same page, margins, font and sizes, as typst markup.
fn typst_sources(app: &Application) -> Vec<String> {
    let head = "#set page(paper: \"a4\", margin: (left: 25mm, right: 15mm, top: 20mm, bottom: 20mm))\n\
                #set text(font: \"Noto Sans\", size: 11pt, lang: \"ru\")\n#set par(justify: true, first-line-indent: 12.5mm)\n";
    let a = &app.applicant;
    let c = &app.child;
    let applicant = full_name(&a.last_name, &a.first_name, a.patronymic.as_deref());
    let child = full_name(&c.last_name, &c.first_name, c.patronymic.as_deref());
    let field = |label: &str, value: &str| format!("{}: #underline[{}]\n\n", esc(label), esc(value));
    let mut application = format!(
        "{head}#align(center)[#text(14pt)[*ЗАЯВЛЕНИЕ*] \\ *о предоставлении сертификата дополнительного образования и \
         регистрации в реестре сертификатов дополнительного образования № {}*]\n\n",
        esc(&app.number)
    );
    application += &esc(&format!(
        "Я, {applicant}, являясь родителем (законным представителем) ребёнка, прошу зарегистрировать ребёнка в \
         реестре сертификатов дополнительного образования под номером реестровой записи № {} и предоставить ему \
         сертификат дополнительного образования.",
        app.registry_record.as_deref().unwrap_or("")
    ));
    application += "\n\n*1. Сведения о ребёнке*\n\n";
    application += &field("Фамилия, имя, отчество", &child);
    application += &field("Дата рождения", &forms::date(c.birth_date));
    application += &field("Адрес места жительства", &c.address);
    application += "*3. Сведения о заявителе*\n\n";
    application += &field("Фамилия, имя, отчество", &applicant);
    application += &field("Адрес места жительства", &a.address);
    application += &field("Контактный телефон", &a.phone);
    application += &field("Адрес электронной почты", &app.email);
    application += &esc("С условиями предоставления, использования и прекращения действия сертификата ознакомлен(а). \
        Обязуюсь уведомить уполномоченный орган об изменении сведений в течение 20 рабочих дней.");
    application += "\n\n«#box(width: 9mm, repeat[\\_])» #box(width: 28mm, repeat[\\_]) 20#box(width: 8mm, repeat[\\_]) г. #h(1fr) #box(width: 35mm, repeat[\\_])\n";

    let mut consent =
        format!("{head}#align(center)[#text(14pt)[*СОГЛАСИЕ*] \\ *на обработку персональных данных*]\n\n");
    consent += &esc(&format!(
        "Я, {applicant}, проживающий(ая) по адресу: {}, паспорт серия {} № {}, являясь родителем ребёнка {child}, \
         в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных» даю согласие \
         оператору {}, адрес: {}, на обработку персональных данных, указанных в заявлении № {}.",
        a.address, a.passport.series, a.passport.number, app.operator.name, app.operator.address, app.number
    ));
    consent += "\n\n";
    for (i, item) in [
        "Цель обработки: персонифицированный учёт детей в системе дополнительного образования.",
        "Действия: сбор, запись, систематизация, накопление, хранение, уточнение (обновление, изменение), извлечение, \
         использование, передача третьим лицам, обезличивание, блокирование, удаление, уничтожение.",
        "Срок действия: со дня подписания до истечения сроков хранения; отзыв письменным заявлением.",
    ]
    .iter()
    .enumerate()
    {
        consent += &format!("{}. {}\n\n", i + 1, esc(item));
    }

    let mut activation = format!("{head}#align(center)[#text(14pt)[*ПАМЯТКА*] \\ *об активации сертификата*]\n\n");
    activation += &format!("#text(30pt)[*{}*]\n\n", esc(app.registry_record.as_deref().unwrap_or(&app.number)));
    for inst in &app.institutions {
        activation += &format!(
            "- *{}* \\ {}; {}; {}\n",
            esc(&inst.name),
            esc(&inst.address),
            esc(inst.phone.as_deref().unwrap_or("")),
            esc(inst.hours.as_deref().unwrap_or(""))
        );
    }
    vec![application, consent, activation]
}
