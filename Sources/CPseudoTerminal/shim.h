// openpty(3) for the tests that run the binary on a pseudo-terminal: Swift's Glibc module does
// not expose the pty functions (posix_openpt needs _XOPEN_SOURCE). glibc before 2.34 keeps
// openpty in libutil; later ones keep a stub libutil for compatibility.
#include <pty.h>
