//! Time from process start to ready (the version endpoint answers), and resident memory once idle, of the
//! `ldt-connector serve` binary on embedded SQLite: on a fresh data directory (migrations run) and on a restart.
//!
//! `cargo bench -p ldt-connector --bench startup`

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 10;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Starts the connector and returns it with the time until its version endpoint answered.
fn start(data_dir: &std::path::Path, port: u16) -> (Child, Duration) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_ldt-connector"))
        .arg("serve")
        .env("LDT_DATA_DIR", data_dir)
        .env("LDT_SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("LDT_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn ldt-connector");
    let url = format!("http://127.0.0.1:{port}/.well-known/dspace-version");
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_millis(200)).build().expect("client");
    while !client.get(&url).send().is_ok_and(|response| response.status().is_success()) {
        assert!(started.elapsed() < Duration::from_secs(30), "the connector did not become ready");
        std::thread::sleep(Duration::from_micros(500));
    }
    (child, started.elapsed())
}

fn stop(mut child: Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let _ = child.wait();
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{name:<28} min {:>7.1} ms  median {:>7.1} ms  max {:>7.1} ms  ({} runs)",
        ms(samples[0]),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}

fn main() {
    let mut fresh = Vec::new();
    let mut restart = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let (child, elapsed) = start(dir.path(), port);
        fresh.push(elapsed);
        stop(child);
        let (child, elapsed) = start(dir.path(), port);
        restart.push(elapsed);
        std::thread::sleep(Duration::from_secs(1));
        rss.push(rss_kib(child.id()));
        stop(child);
    }
    summary("start to ready, fresh data", fresh);
    summary("start to ready, restart", restart);
    rss.sort();
    println!(
        "{:<28} min {:>7} KiB  median {:>7} KiB  max {:>7} KiB",
        "idle RSS",
        rss[0],
        rss[rss.len() / 2],
        rss[rss.len() - 1]
    );
}
