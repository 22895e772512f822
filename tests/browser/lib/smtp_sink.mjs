// A minimal SMTP server for the email demo test: it accepts every command, keeps each message's DATA,
// and resolves a promise per received message. Plain SMTP on 127.0.0.1, no TLS, no AUTH.
import { createServer } from "node:net";

export async function start_smtp_sink() {
  const messages = [];
  const waiting = [];
  const server = createServer((socket) => {
    socket.setEncoding("latin1");
    let buffer = "";
    let in_data = false;
    let data = "";
    const reply = (line) => socket.write(`${line}\r\n`);
    reply("220 sink ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk;
      for (;;) {
        if (in_data) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          data += buffer.slice(0, end + 2);
          buffer = buffer.slice(end + 5);
          in_data = false;
          messages.push(data);
          waiting.shift()?.(data);
          data = "";
          reply("250 queued");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") reply("250 sink");
        else if (verb === "DATA") {
          in_data = true;
          reply("354 go ahead");
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
        } else reply("250 ok");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${server.address().port}`,
    // The next message (or one already received and not yet taken).
    next_message() {
      if (messages.length > 0) return Promise.resolve(messages.shift());
      return new Promise((resolve) => waiting.push(resolve)).then((m) => {
        messages.shift();
        return m;
      });
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
