# The cbsim image: the reference tracker by default, the simulator with
# `serve --addr 0.0.0.0:8080`. It is FROM scratch around a static binary, so
# building it pulls nothing. The build context needs only bin/cbsim:
#
#   make build && docker build -t cbsim:dev .
#
# containers.RunTracker and containers.RunSimulator build it from a context
# holding just this file and bin/cbsim, tagged cbsim:dev-<hash of both>.
FROM scratch
COPY bin/cbsim /cbsim
# scratch has no directories. WORKDIR creates /tmp (SQLite's temporary files)
# and /data (the tracker's database); both live in the container's own
# filesystem, which survives a stop and start of the container.
WORKDIR /tmp
WORKDIR /data
ENV TMPDIR=/tmp
# The reporting API key when --api-key is not given: a development default,
# override it with docker run -e CBSIM_API_KEY=... (RunTracker passes
# --api-key).
ENV CBSIM_API_KEY=cbsim-dev-key
EXPOSE 8800 8080
ENTRYPOINT ["/cbsim"]
CMD ["tracker", "--addr", "0.0.0.0:8800", "--db", "/data/tracker.db"]
