/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_EXPORT_H
#define PTESIM_EXPORT_H

/* Only symbols marked PTESIM_API leave the shared library; the build hides
 * everything else (gnu_symbol_visibility: 'hidden'). */
#if defined(PTESIM_BUILDING_LIBRARY) && defined(__GNUC__)
#define PTESIM_API __attribute__((visibility("default")))
#else
#define PTESIM_API
#endif

#endif
