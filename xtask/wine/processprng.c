/*
 * bcryptprimitives.dll for running the Windows test binaries under Wine 8, and nowhere
 * else (it is never packaged). Rust's standard library asks bcryptprimitives.dll for
 * ProcessPrng, which Windows 10 and 11 have and Wine 8 does not; this one forwards to
 * RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 *
 * Built by `cargo xtask windows` with x86_64-w64-mingw32-gcc (Debian's mingw-w64).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
