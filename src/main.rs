fn main() -> std::process::ExitCode {
    pdo_kiosk::cli::main()
}
