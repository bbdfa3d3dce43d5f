//! How soon speech starts: from the event (an utterance handed to espeak-ng) to the first second's worth of audio
//! coming out of the engine, for what every screen says on opening, in Russian and English; and how long cutting
//! off a voice still talking takes. The target is 300 ms from the event. Needs espeak-ng (install-deps.sh).
//! `cargo bench -p pdo-kiosk --bench speech`

use pdo_core::domain::Lang;
use pdo_kiosk::i18n::I18n;
use pdo_kiosk::speech::{EspeakNg, SCREENS, screen_words};
use std::io::Read;
use std::time::{Duration, Instant};

/// 16-bit mono at espeak-ng's 22 050 Hz: the WAV header and 50 ms of sound, the first audio a sound card would get.
const FIRST_AUDIO: usize = 44 + 22_050 * 2 / 20;

/// From spawning espeak-ng with `words` to its first 50 ms of audio, and the process killed after that.
fn first_audio(words: &str, lang: Lang) -> anyhow::Result<(Duration, Duration)> {
    let start = Instant::now();
    // The command the kiosk runs, with the sound on standard output instead of the sound card.
    let mut child = EspeakNg::start(words, lang, true)?;
    let mut out = child.stdout.take().expect("piped");
    let (mut got, mut buf) = (0, [0u8; 4096]);
    while got < FIRST_AUDIO {
        let n = out.read(&mut buf)?;
        anyhow::ensure!(n > 0, "espeak-ng ended before any audio");
        got += n;
    }
    let started = start.elapsed();
    // Cutting it off, as the speech thread does when the next utterance comes.
    let cut = Instant::now();
    child.kill()?;
    child.wait()?;
    Ok((started, cut.elapsed()))
}

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<34} n={:<3} median {:>6.1} ms  p95 {:>6.1} ms  max {:>6.1} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(*times.last().unwrap())
    );
}

fn main() -> anyhow::Result<()> {
    for lang in [Lang::Ru, Lang::En] {
        let i18n = I18n::new(lang);
        let (mut starts, mut cuts) = (Vec::new(), Vec::new());
        // Three rounds over every screen: the first round includes loading the voice from a cold disk cache.
        for _ in 0..3 {
            for (name, _, _) in SCREENS {
                let words = screen_words(&i18n, name).expect("every screen has words");
                let (started, cut) = first_audio(&words, lang)?;
                starts.push(started);
                cuts.push(cut);
            }
        }
        summary(&format!("first audio, {lang:?} (target 300 ms)"), starts);
        summary(&format!("cut off, {lang:?}"), cuts);
    }
    Ok(())
}
