//! Will this executable start on the Azure Functions Linux workers? A pure check over the file's
//! bytes: a 64-bit x86-64 ELF that is either static or needs no newer glibc than the Functions
//! images provide.

use std::fmt;

use object::elf;
use object::read::elf::{FileHeader, ProgramHeader};

/// The newest glibc every current Functions v4 Linux image provides.
///
/// The oldest base still used by the v4 host images is Debian 11 "bullseye", which ships glibc
/// 2.31: in Azure/azure-functions-docker (commit 020dbf319bc90e80698b7d53e4bf09f543fd7a66,
/// 2024-10-23), `host/4/bullseye/dotnet-inproc/dotnet.Dockerfile` builds its final image
/// `FROM mcr.microsoft.com/dotnet/runtime-deps:6.0` (the .NET 6 default tag is Debian 11; the
/// same file installs `packages.microsoft.com/config/debian/11`), as do the other
/// `host/4/bullseye/*` images (node, java, python 3.11, `runtime-deps:6.0`; python 3.7–3.10 on
/// `python:3.x-slim-bullseye`). The newer `host/4/bookworm/*` images (e.g.
/// `host/4/bookworm/dotnet/dotnet8.Dockerfile`, `runtime-deps:8.0-bookworm-slim-amd64`) have
/// glibc 2.36 and the `host/4/mariner/*` ones (CBL-Mariner 2.0) 2.35, so a binary that needs at
/// most 2.31 runs on all of them, whichever image serves `--runtime custom`.
pub(crate) const MAX_GLIBC: GlibcVersion = GlibcVersion(2, 31);

/// A glibc symbol version, `GLIBC_<major>.<minor>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct GlibcVersion(pub(crate) u32, pub(crate) u32);

impl fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// An executable that will start on the Functions Linux workers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Statically linked (musl, `-static`, static-pie): needs no system library.
    Static,
    /// Dynamically linked against glibc, needing at most this version (`None`: no versioned
    /// glibc symbol, or no version-needs section to read).
    Glibc(Option<GlibcVersion>),
}

impl fmt::Display for Fit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fit::Static => f.write_str("Linux x86-64 ELF, statically linked"),
            Fit::Glibc(Some(v)) => write!(
                f,
                "Linux x86-64 ELF, dynamically linked, needs glibc {v} (the Functions images have {MAX_GLIBC} or newer)"
            ),
            Fit::Glibc(None) => f.write_str("Linux x86-64 ELF, dynamically linked"),
        }
    }
}

/// Why an executable will not start on the Functions Linux workers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Misfit {
    /// Not an ELF file; names what it looks like instead.
    NotElf(&'static str),
    /// A 32-bit ELF.
    Not64Bit,
    /// An ELF for another processor; names it.
    WrongArchitecture(String),
    /// Needs a newer glibc than the Functions images have.
    GlibcTooNew(GlibcVersion),
    /// Dynamically linked against another C library's loader (e.g. musl's), absent from the
    /// Debian-based images.
    ForeignLoader(String),
    /// An ELF file that cannot be read; the parser's reason.
    Malformed(String),
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Misfit::NotElf(what) => write!(f, "is not a Linux executable ({what})"),
            Misfit::Not64Bit => f.write_str("is a 32-bit ELF; the Functions workers run x86-64"),
            Misfit::WrongArchitecture(arch) => {
                write!(f, "is built for {arch}; the Functions workers run x86-64")
            }
            Misfit::GlibcTooNew(v) => write!(
                f,
                "needs glibc {v}, newer than the {MAX_GLIBC} of the oldest current Functions v4 Linux image (Debian 11)"
            ),
            Misfit::ForeignLoader(path) => write!(
                f,
                "is dynamically linked with the loader {path}, which the Functions images (Debian, glibc) do not have"
            ),
            Misfit::Malformed(why) => write!(f, "is not a readable ELF file ({why})"),
        }
    }
}

impl Misfit {
    /// How to build an executable that fits, for a build made on `host_os`
    /// (`std::env::consts::OS`).
    pub(crate) fn fix(&self, host_os: &str) -> String {
        let musl = "build it static with musl: `rustup target add x86_64-unknown-linux-musl` \
                    and `cargo azfn package --target x86_64-unknown-linux-musl`";
        if host_os != "linux" {
            return format!(
                "cross-build for Linux: `cargo zigbuild --target x86_64-unknown-linux-gnu.{MAX_GLIBC}` \
                 (cargo-zigbuild) or `cross build --target x86_64-unknown-linux-musl`, or {musl}"
            );
        }
        match self {
            Misfit::GlibcTooNew(_) => format!(
                "{musl}, or build in a container of the Functions image (Debian 11, glibc {MAX_GLIBC}), \
                 or with `cargo zigbuild --target x86_64-unknown-linux-gnu.{MAX_GLIBC}`"
            ),
            _ => musl.to_owned(),
        }
    }
}

/// The glibc dynamic loader of x86-64 Linux.
const GLIBC_LOADER: &[u8] = b"/lib64/ld-linux-x86-64.so.2";

/// Checks whether `bytes` (a whole executable) will start on the Functions Linux workers.
pub(crate) fn check(bytes: &[u8]) -> Result<Fit, Misfit> {
    if bytes.get(..4) != Some(&elf::ELFMAG[..]) {
        return Err(Misfit::NotElf(foreign_format(bytes)));
    }
    match bytes.get(4) {
        Some(&c) if c == elf::ELFCLASS64.0 => {}
        Some(&c) if c == elf::ELFCLASS32.0 => return Err(Misfit::Not64Bit),
        _ => return Err(Misfit::Malformed("unknown ELF class".to_owned())),
    }
    let malformed = |e: object::read::Error| Misfit::Malformed(e.to_string());
    let header = elf::FileHeader64::<object::Endianness>::parse(bytes).map_err(malformed)?;
    let endian = header.endian().map_err(malformed)?;
    let machine = header.e_machine(endian);
    if machine != elf::EM_X86_64 {
        return Err(Misfit::WrongArchitecture(machine_name(machine)));
    }
    let mut interpreter = None;
    for segment in header.program_headers(endian, bytes).map_err(malformed)? {
        if let Some(path) = segment.interpreter(endian, bytes).map_err(malformed)? {
            interpreter = Some(path);
        }
    }
    let Some(interpreter) = interpreter else {
        // No loader: static (a static-pie relocates itself), so no glibc is needed.
        return Ok(Fit::Static);
    };
    if interpreter != GLIBC_LOADER {
        return Err(Misfit::ForeignLoader(
            String::from_utf8_lossy(interpreter).into_owned(),
        ));
    }
    let needed = newest_glibc_needed(header, endian, bytes).map_err(malformed)?;
    match needed {
        Some(v) if v > MAX_GLIBC => Err(Misfit::GlibcTooNew(v)),
        _ => Ok(Fit::Glibc(needed)),
    }
}

/// The highest `GLIBC_x.y` in the version-needs section (`.gnu.version_r`), if any.
fn newest_glibc_needed(
    header: &elf::FileHeader64<object::Endianness>,
    endian: object::Endianness,
    bytes: &[u8],
) -> object::read::Result<Option<GlibcVersion>> {
    let sections = header.sections(endian, bytes)?;
    let Some((mut needs, link)) = sections.gnu_verneed(endian, bytes)? else {
        return Ok(None);
    };
    let strings = sections.strings(endian, bytes, link)?;
    let mut newest = None;
    while let Some((_, mut aux)) = needs.next()? {
        while let Some(entry) = aux.next()? {
            if let Some(v) = parse_glibc(entry.name(endian, strings)?) {
                newest = newest.max(Some(v));
            }
        }
    }
    Ok(newest)
}

/// `GLIBC_2.34` → 2.34, `GLIBC_2.2.5` → 2.2; anything else (`GLIBC_PRIVATE`, `GCC_3.0`) → None.
fn parse_glibc(name: &[u8]) -> Option<GlibcVersion> {
    let rest = std::str::from_utf8(name).ok()?.strip_prefix("GLIBC_")?;
    let mut parts = rest.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some(GlibcVersion(major, minor))
}

fn machine_name(machine: elf::Machine) -> String {
    match machine {
        elf::EM_AARCH64 => "AArch64 (arm64)".to_owned(),
        elf::EM_386 => "32-bit x86".to_owned(),
        elf::EM_ARM => "32-bit ARM".to_owned(),
        elf::EM_RISCV => "RISC-V".to_owned(),
        elf::EM_PPC64 => "64-bit PowerPC".to_owned(),
        elf::EM_S390 => "IBM S/390".to_owned(),
        other => format!("the ELF machine {}", other.0),
    }
}

/// What a non-ELF executable looks like, from its magic bytes.
fn foreign_format(bytes: &[u8]) -> &'static str {
    match bytes.get(..4) {
        Some([0xcf, 0xfa, 0xed, 0xfe] | [0xce, 0xfa, 0xed, 0xfe]) => "a macOS Mach-O file",
        Some([0xca, 0xfe, 0xba, 0xbe]) => "a macOS universal Mach-O file",
        Some([b'M', b'Z', ..]) => "a Windows PE file",
        Some([b'#', b'!', ..]) => "a script",
        _ if bytes.len() < 4 => "too short",
        _ => "an unknown format",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    /// The fixtures of `tests/fixtures/elf/` (see its README for how each was made).
    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../tests/fixtures/elf/", $name)).as_slice()
        };
    }

    #[test]
    fn an_old_enough_glibc_build_fits() {
        assert_eq!(
            check(fixture!("glibc-2.2.5")),
            Ok(Fit::Glibc(Some(GlibcVersion(2, 2))))
        );
    }

    #[test]
    fn static_and_static_pie_builds_need_no_glibc() {
        assert_eq!(check(fixture!("static")), Ok(Fit::Static));
        assert_eq!(check(fixture!("static-pie")), Ok(Fit::Static));
    }

    #[test]
    fn a_build_against_debian_12_glibc_is_too_new() {
        // `__libc_start_main@GLIBC_2.34`: what any program linked on glibc 2.34+ needs.
        assert_eq!(
            check(fixture!("glibc-2.34")),
            Err(Misfit::GlibcTooNew(GlibcVersion(2, 34)))
        );
        assert_eq!(
            check(fixture!("glibc-2.99")),
            Err(Misfit::GlibcTooNew(GlibcVersion(2, 99)))
        );
    }

    #[test]
    fn the_wrong_architecture_is_named() {
        assert_eq!(
            check(fixture!("aarch64")),
            Err(Misfit::WrongArchitecture("AArch64 (arm64)".to_owned()))
        );
    }

    #[test]
    fn mach_o_and_pe_are_not_linux_executables() {
        assert_eq!(
            check(fixture!("macho")),
            Err(Misfit::NotElf("a macOS Mach-O file"))
        );
        assert_eq!(
            check(fixture!("pe")),
            Err(Misfit::NotElf("a Windows PE file"))
        );
    }

    #[test]
    fn a_32_bit_elf_is_refused() {
        let mut bytes = fixture!("glibc-2.2.5").to_vec();
        bytes[4] = elf::ELFCLASS32.0;
        assert_eq!(check(&bytes), Err(Misfit::Not64Bit));
    }

    #[test]
    fn a_musl_dynamic_loader_is_refused() {
        let mut bytes = fixture!("glibc-2.2.5").to_vec();
        let at = bytes
            .windows(GLIBC_LOADER.len())
            .position(|w| w == GLIBC_LOADER)
            .unwrap();
        // Same length, so the segment still ends at the NUL.
        let musl = b"/lib/ld-musl-x86_64.so.1\0\0\0";
        bytes[at..at + GLIBC_LOADER.len()].copy_from_slice(musl);
        assert_eq!(
            check(&bytes),
            Err(Misfit::ForeignLoader("/lib/ld-musl-x86_64.so.1".to_owned()))
        );
    }

    #[test]
    fn truncated_and_garbage_input_is_an_error_not_a_panic() {
        for fixture in [
            fixture!("glibc-2.34"),
            fixture!("glibc-2.2.5"),
            fixture!("static-pie"),
        ] {
            for len in (0..fixture.len()).step_by(7) {
                // Any outcome but a panic; a header-only prefix is always an error.
                let result = check(&fixture[..len]);
                if len < 64 {
                    assert!(result.is_err(), "{len} bytes: {result:?}");
                }
            }
        }
        assert_eq!(check(b""), Err(Misfit::NotElf("too short")));
        assert_eq!(
            check(b"\x7fELF"),
            Err(Misfit::Malformed("unknown ELF class".to_owned()))
        );
        assert!(matches!(
            check(b"\x7fELF\x02\x01\x01\0garbage"),
            Err(Misfit::Malformed(_))
        ));
        assert_eq!(check(b"#!/bin/sh\n"), Err(Misfit::NotElf("a script")));
        // Version-needs entries pointing past the end of the file.
        let mut bytes = fixture!("glibc-2.34").to_vec();
        let names = bytes.windows(10).position(|w| w == b"GLIBC_2.34").unwrap();
        bytes.truncate(names);
        assert!(check(&bytes).is_err());
    }

    #[test]
    fn glibc_version_names() {
        assert_eq!(parse_glibc(b"GLIBC_2.34"), Some(GlibcVersion(2, 34)));
        assert_eq!(parse_glibc(b"GLIBC_2.2.5"), Some(GlibcVersion(2, 2)));
        assert_eq!(parse_glibc(b"GLIBC_PRIVATE"), None);
        assert_eq!(parse_glibc(b"GCC_3.0"), None);
        assert!(GlibcVersion(2, 31) < GlibcVersion(2, 34));
        assert!(GlibcVersion(2, 9) < GlibcVersion(2, 31));
    }

    #[test]
    fn fixes_name_musl_containers_and_cross_builds() {
        let too_new = Misfit::GlibcTooNew(GlibcVersion(2, 34));
        let fix = too_new.fix("linux");
        assert!(fix.contains("--target x86_64-unknown-linux-musl"), "{fix}");
        assert!(fix.contains("rustup target add"), "{fix}");
        assert!(fix.contains("container"), "{fix}");
        let fix = Misfit::NotElf("a macOS Mach-O file").fix("macos");
        assert!(
            fix.contains("cargo zigbuild --target x86_64-unknown-linux-gnu.2.31"),
            "{fix}"
        );
        assert!(fix.contains("cross"), "{fix}");
    }
}
