ALTER TABLE "export_files" ADD COLUMN "population" text;--> statement-breakpoint
ALTER TABLE "export_files" ADD COLUMN "dimensions" jsonb;