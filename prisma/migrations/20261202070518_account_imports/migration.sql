-- CreateTable
CREATE TABLE "AccountImport" (
    "importedById" UUID NOT NULL,
    "fileHash" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "report" JSONB NOT NULL,

    CONSTRAINT "AccountImport_pkey" PRIMARY KEY ("importedById","fileHash")
);
