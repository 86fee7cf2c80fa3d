# The cbsim image: the reference tracker by default, the simulator with
# `serve --addr 0.0.0.0:8080`. It is FROM scratch around a static binary, so
# building it pulls nothing. The build context needs only bin/cbsim:
#
#   make build && docker build -t cbsim:dev .
#
# containers.RunTracker and containers.RunSimulator build it from a context
# holding just this file and bin/cbsim, tagged cbsim:dev-<hash of both>.
# The tracker listens on 8800, the simulator on 8080 (no EXPOSE: every
# instruction costs the legacy builder a container, and the ports are
# published explicitly anyway).
FROM scratch
COPY bin/cbsim /cbsim
# scratch has no directories: WORKDIR creates /data, which holds the
# tracker's database and SQLite's temporary files. It lives in the
# container's own filesystem, which survives a stop and start.
WORKDIR /data
# CBSIM_API_KEY is the reporting API key when --api-key is not given: a
# development default, override it with docker run -e CBSIM_API_KEY=...
ENV TMPDIR=/data CBSIM_API_KEY=cbsim-dev-key
ENTRYPOINT ["/cbsim"]
CMD ["tracker", "--addr", "0.0.0.0:8800", "--db", "/data/tracker.db"]
