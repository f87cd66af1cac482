# Stand-in for prom/alertmanager: Debian's Alertmanager at the official image's paths, as `nobody`.
# Debian's is 0.25, which lacks `bot_token_file` (0.27 has it): the entrypoint reads that file into
# a copy of the configuration on the container's tmpfs, so the declared configuration is used as is.
FROM trading-stand-in/stores:bookworm
RUN ln -s prometheus-alertmanager /usr/bin/alertmanager \
 && mkdir -p /alertmanager /etc/alertmanager && chown nobody:nogroup /alertmanager
COPY alertmanager-entrypoint.sh /usr/local/bin/alertmanager-entrypoint.sh
USER nobody
WORKDIR /alertmanager
EXPOSE 9093
ENTRYPOINT ["/usr/local/bin/alertmanager-entrypoint.sh"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
