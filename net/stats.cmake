# lanconf-stats: the pure measurement estimators (RFC 6298 RTT, RFC 3550 jitter,
# RFC 5905 clock offset, distributions, rates, playout deadline), the TCP_INFO
# reader and their JSON output. Included from net/CMakeLists.txt.
add_library(lanconf-stats STATIC
  ${CMAKE_CURRENT_LIST_DIR}/stats_error.c
  ${CMAKE_CURRENT_LIST_DIR}/stats_rtt.c
  ${CMAKE_CURRENT_LIST_DIR}/stats_jitter.c
  ${CMAKE_CURRENT_LIST_DIR}/stats_clock.c
  ${CMAKE_CURRENT_LIST_DIR}/stats_dist.c
  ${CMAKE_CURRENT_LIST_DIR}/stats_rate.c
  ${CMAKE_CURRENT_LIST_DIR}/stats_deadline.c
  ${CMAKE_CURRENT_LIST_DIR}/stats_tcpinfo.c
  ${CMAKE_CURRENT_LIST_DIR}/stats_json.c
)
target_include_directories(lanconf-stats PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(lanconf-stats PUBLIC PkgConfig::GLIB PkgConfig::JSONGLIB m)
target_compile_definitions(lanconf-stats PRIVATE G_LOG_DOMAIN="lanconf-stats")
