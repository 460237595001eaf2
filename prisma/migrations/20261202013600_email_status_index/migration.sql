-- CreateIndex
CREATE INDEX "EmailMessage_status_idx" ON "EmailMessage"("status");
