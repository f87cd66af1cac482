# Stand-in for prom/prometheus: Debian's Prometheus at the official image's paths, as `nobody`.
FROM trading-stand-in/stores:bookworm
RUN mkdir -p /prometheus /etc/prometheus && chown nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
