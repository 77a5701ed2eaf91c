//! The demo runs to its end: the authority onboards both LDTs, the air-quality LDT reads the traffic LDT's
//! catalogue with DCP tokens, and the unknown connector is refused (the demo fails if it is served).

use ldt_connector::demo::{DemoArgs, run};

#[tokio::test]
async fn the_demo_runs_to_its_end() {
    let data = tempfile::tempdir().unwrap();
    run(DemoArgs { keep_running: false, data_dir: Some(data.path().to_owned()) }).await.expect("the demo succeeds");
    for connector in ["authority", "traffic", "air-quality", "stranger"] {
        assert!(data.path().join(connector).join("keys.json").is_file(), "{connector} has its key store");
    }
}
