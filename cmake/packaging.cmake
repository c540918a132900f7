# packaging.cmake - what `cmake --install` puts besides the binary, and the
# Debian package (CPack DEB). Included at the end of CMakeLists.txt, which
# keeps the install(TARGETS secretcap) rule; every other install() is here.
#
# Installed (relative to the prefix; the package uses /usr):
#   share/man/man1/secretcap.1.gz, secretcap-COMMAND.1.gz   (docs/*.1,
#       compressed with gzip -9n at build time as Debian policy asks; plain
#       .1 files when gzip is not found)
#   share/bash-completion/completions/secretcap            (bash)
#   share/zsh/vendor-completions/_secretcap                 (zsh)
#   share/fish/vendor_completions.d/secretcap.fish          (fish)
#   share/doc/secretcap/README.md and docs/*.md
#
# `cpack -G DEB` in the build folder then writes
# secretcap_<version>_<arch>.deb: Depends computed by dpkg-shlibdeps
# (package dpkg-dev) from the libraries the binary links, the binary
# stripped. There is no copyright file: the project states no licence yet.
# Not done here: a source package, a changelog, signing.

include(GNUInstallDirs)

# ------------------------------------------------------------ man pages
file(GLOB SECRETCAP_MAN_PAGES CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/docs/secretcap*.1)
find_program(SECRETCAP_GZIP gzip)
if(SECRETCAP_GZIP)
  set(man_gz)
  foreach(page ${SECRETCAP_MAN_PAGES})
    get_filename_component(name ${page} NAME)
    set(out ${CMAKE_BINARY_DIR}/man/${name}.gz)
    # -n: no name or time stamp in the header, so the package is
    # reproducible; -9 as Debian policy (12.1) asks.
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${SECRETCAP_GZIP} -9n -c ${page} > ${out}
      DEPENDS ${page}
      COMMENT "Compressing man page ${name}"
      VERBATIM)
    list(APPEND man_gz ${out})
  endforeach()
  add_custom_target(man_pages ALL DEPENDS ${man_gz})
  install(FILES ${man_gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "gzip not found: man pages installed uncompressed")
  install(FILES ${SECRETCAP_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# ------------------------------------------------------ shell completion
install(FILES ${CMAKE_SOURCE_DIR}/completion/secretcap.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME secretcap)
install(FILES ${CMAKE_SOURCE_DIR}/completion/_secretcap
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${CMAKE_SOURCE_DIR}/completion/secretcap.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# ------------------------------------------------------------------ docs
file(GLOB SECRETCAP_DOCS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${SECRETCAP_DOCS}
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ------------------------------------------------------- Debian package
set(SECRETCAP_DEB_MAINTAINER
    "secretcap maintainers <maintainers@users.noreply.r-seed-aef45f26.example>"
    CACHE STRING "The Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME secretcap)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "secretcap")
set(CPACK_PACKAGE_CONTACT "${SECRETCAP_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "embed TLS key logs into packet captures as pcapng secrets blocks")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# Directories 0755 and files as installed, whatever the umask of the build.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SECRETCAP_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "tshark | wireshark, bash-completion")
# The long description: CPack puts the summary above it, indents each line
# and turns the empty line into the " ." paragraph separator.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "secretcap writes pcap and pcapng captures (plain or compressed with gzip,
zstd or lz4) as pcapng with TLS key logs (SSLKEYLOGFILE) and other
decryption secrets (SSH, WireGuard, OPC UA, ESP, ZigBee) embedded as
Decryption Secrets Blocks, so that Wireshark and tshark open them
decrypted without a separate key-log file. It replaces editcap
--inject-secrets, keeps every pcapng block byte for byte, checks key logs
line by line, and writes its output atomically.

It also extracts and strips the secrets of a capture, describes captures
and key logs, lists the TLS, DTLS and QUIC sessions of a capture with the
keys that cover them (a gate for CI jobs), and converts whole folders of
captures in parallel.")

# cpack -G DEB needs file(1) and dpkg-shlibdeps for the Depends field.
find_program(SECRETCAP_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(SECRETCAP_FILE_UTILITY file)
if(NOT SECRETCAP_DPKG_SHLIBDEPS OR NOT SECRETCAP_FILE_UTILITY)
  message(STATUS "cpack -G DEB needs dpkg-shlibdeps (dpkg-dev) and file")
endif()

include(CPack)
