# Stand-in for prom/alertmanager: Debian's Alertmanager at the official image's paths, as `nobody`.
FROM trading-stand-in/stores:bookworm
RUN ln -s prometheus-alertmanager /usr/bin/alertmanager \
 && mkdir -p /alertmanager /etc/alertmanager && chown nobody:nogroup /alertmanager
USER nobody
WORKDIR /alertmanager
EXPOSE 9093
ENTRYPOINT ["/bin/alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
