-- Workspace hosts (src/gateway/handshake.ts): one-time codes that carry a signed-in person from the UI to one
-- workspace host, and the sessions of workspace hosts made from them. Both end with the UI session they
-- came from (ON DELETE CASCADE): signing out, idleness or expiry there ends them too.
CREATE TABLE "workspace_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"namespace" text NOT NULL,
	"subject" text NOT NULL,
	"session_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"namespace" text NOT NULL,
	"subject" text NOT NULL,
	"session_hash" text NOT NULL,
	"cookie_names" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspace_codes" ADD CONSTRAINT "workspace_codes_session_hash_sessions_token_hash_fk" FOREIGN KEY ("session_hash") REFERENCES "public"."sessions"("token_hash") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_sessions" ADD CONSTRAINT "workspace_sessions_session_hash_sessions_token_hash_fk" FOREIGN KEY ("session_hash") REFERENCES "public"."sessions"("token_hash") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workspace_codes_expires_at_idx" ON "workspace_codes" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "workspace_sessions_session_hash_idx" ON "workspace_sessions" USING btree ("session_hash");