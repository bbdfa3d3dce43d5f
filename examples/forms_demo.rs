//! Writes the three documents of every invented demo application into a folder (default: target/forms-demo), for
//! looking at them: `cargo run --example forms_demo -- DIR`, then scripts/form-images.sh makes the page images in
//! docs/forms.

use pdo_kiosk::print::{Fonts, demo, render_all};

fn main() -> anyhow::Result<()> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/forms-demo".into()));
    let fonts = Fonts::load()?;
    for (name, app) in demo::all() {
        let sub = dir.join(name);
        std::fs::create_dir_all(&sub)?;
        std::fs::write(sub.join("application.json"), serde_json::to_vec_pretty(&app)?)?;
        for (kind, pdf) in render_all(&app, &fonts)?.iter() {
            std::fs::write(sub.join(kind.file_name()), pdf)?;
        }
        println!("{}", sub.display());
    }
    Ok(())
}
