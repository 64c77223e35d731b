#if canImport(Glibc)
import Glibc
#endif

/// glibc malloc settings for a long-running daemon that handles multi-megabyte pages.
///
/// By default glibc raises its mmap threshold each time a large block is freed, so after the first
/// few API pages every later 2-4 MiB page body, write chunk and frame array comes from the heap
/// arenas, which fragment and are rarely given back; and each thread that allocates may get an
/// arena of its own. A fixed threshold (blocks ≥ 128 KiB are mapped and unmapped on free) and two
/// arenas cut the peak RSS of a 200k-event backfill to rsyslog over TLS from about 235 to about
/// 167 MiB in docs/performance.md's measurements, at no measurable CPU cost. The
/// `MALLOC_MMAP_THRESHOLD_` and `MALLOC_ARENA_MAX` environment variables still win when set.
enum AllocatorTuning {
    /// `M_MMAP_THRESHOLD` and `M_ARENA_MAX` from `<malloc.h>`, which the Glibc module does not import.
    private static let mmapThreshold: Int32 = -3
    private static let arenaMaximum: Int32 = -8

    static func apply() {
        #if canImport(Glibc)
        // `mallopt` is looked up at run time for the same reason; it is in every glibc.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil {
            _ = mallopt(mmapThreshold, 128 * 1024)
        }
        if getenv("MALLOC_ARENA_MAX") == nil {
            _ = mallopt(arenaMaximum, 2)
        }
        #endif
    }
}
