//! `pdo-kiosk say`: what a screen says when it opens, rendered by the real espeak-ng into a WAV file, with no
//! display, registry, configuration or data dir. The sound is checked, not only the file: 16-bit PCM, long enough
//! for the sentence, and not silence.

use std::process::Command;

fn kiosk() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pdo-kiosk"));
    // Nothing of the kiosk's own setting is needed: point the data dir and config nowhere useful.
    command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").env("HOME", "/nonexistent");
    command
}

/// (sample rate, seconds, RMS of the samples as a share of full scale) of a 16-bit mono PCM WAV.
fn measure(wav: &[u8]) -> (u32, f32, f32) {
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(&wav[8..12], b"WAVE");
    assert_eq!(&wav[12..16], b"fmt ");
    let u16_at = |i: usize| u16::from_le_bytes([wav[i], wav[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([wav[i], wav[i + 1], wav[i + 2], wav[i + 3]]);
    assert_eq!(u16_at(20), 1, "PCM");
    assert_eq!(u16_at(22), 1, "mono");
    assert_eq!(u16_at(34), 16, "16-bit");
    let rate = u32_at(24);
    let data = wav.windows(4).position(|w| w == b"data").expect("a data chunk") + 8;
    let samples: Vec<i16> = wav[data..].chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
    let rms = (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64).sqrt();
    (rate, samples.len() as f32 / rate as f32, (rms / 32768.0) as f32)
}

#[test]
fn the_sign_in_screen_is_said_in_russian_and_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let mut lengths = Vec::new();
    for lang in ["ru", "en"] {
        let out = dir.path().join(format!("sign_in-{lang}.wav"));
        let status = kiosk().args(["say", "--screen", "sign_in", "--lang", lang, "--out"]).arg(&out).status().unwrap();
        assert!(status.success(), "{lang}: {status}");
        let (rate, seconds, rms) = measure(&std::fs::read(&out).unwrap());
        assert!(rate >= 16_000, "{rate} Hz");
        // The title and two sentences: several seconds of speech, not a click.
        assert!(seconds > 4.0 && seconds < 60.0, "{lang}: {seconds:.1} s");
        assert!(rms > 0.01, "{lang}: the sound is silence (RMS {rms:.4})");
        lengths.push(seconds);
    }
    assert!((lengths[0] - lengths[1]).abs() > 0.1, "the two languages say different words: {lengths:?}");
}

#[test]
fn the_list_names_every_screen_and_an_unknown_one_is_refused_with_it() {
    let list = kiosk().args(["say", "--list"]).output().unwrap();
    assert!(list.status.success());
    let names = String::from_utf8(list.stdout).unwrap();
    let names: Vec<&str> = names.lines().collect();
    assert_eq!(names.len(), 15, "{names:?}");
    for name in ["welcome", "sign_in", "capture", "confirm", "print", "resume"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let refused = kiosk().args(["say", "--screen", "nowhere", "--out"]).arg(dir.path().join("x.wav")).output().unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("nowhere") && said.contains("sign_in") && said.contains("welcome"), "{said}");
    assert!(!dir.path().join("x.wav").exists(), "nothing written for an unknown screen");
}
